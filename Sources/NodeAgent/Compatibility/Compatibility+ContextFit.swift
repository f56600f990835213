extension Compatibility {
    /// Context per slot is lowered in steps of this many tokens, and never below it.
    static let contextStep = 256

    /// `model` with its context per slot lowered so that weights, KV cache and compute buffers
    /// fit in `capacity` (what engines may use where it runs), and the note that says so; nil
    /// when even the smallest context does not fit, or the KV cache is not the problem.
    static func fitContext(_ model: LocalModel, capacity: Int64, shape: ServingShape) -> (model: LocalModel, memory: MemoryEstimate, note: String)? {
        let memory = MemoryEstimate.of(model, shape: shape)
        guard memory.declaredBytes == nil, let perToken = model.shape?.kvBytesPerToken(), perToken > 0 else { return nil }
        let room = capacity - memory.withoutKVCacheBytes
        guard room > 0 else { return nil }
        let perSlot = Int(room / (perToken * Int64(shape.slots))) / contextStep * contextStep
        let configured = shape.contextPerSlot(for: model)
        guard perSlot >= contextStep, perSlot < configured else { return nil }
        var fitted = model
        fitted.fittedContextPerSlot = perSlot
        let note = "served with \(perSlot) tokens of context per slot instead of \(configured) so that its KV cache fits (--fit-context)"
        return (fitted, MemoryEstimate.of(fitted, shape: shape), note)
    }
}
