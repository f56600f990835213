/// How the agent configures each engine it starts: parallel slots and context per slot. It
/// decides the context the engine allocates, and with it the KV cache the memory check counts.
struct ServingShape: Sendable, Equatable {
    /// Parallel sequences per engine (`--parallel`).
    var slots: Int
    /// Context tokens per slot, capped by each model's training context.
    var contextPerSlot: Int
    /// Whether a model whose KV cache does not fit at this context may be served with less
    /// (`--fit-context`) instead of being refused.
    var fitsContext = false

    static let `default` = ServingShape(slots: 4, contextPerSlot: 2048)

    /// Context tokens per slot for `model`: capped by its training context and by the context
    /// compatibility lowered it to so its KV cache fits.
    func contextPerSlot(for model: LocalModel) -> Int {
        min(contextPerSlot, model.contextLength ?? contextPerSlot, model.fittedContextPerSlot ?? contextPerSlot)
    }

    /// The engine's whole context (`--ctx-size`): every slot's share.
    func contextTokens(for model: LocalModel) -> Int {
        contextPerSlot(for: model) * slots
    }
}
