/// Decides whether a local model is executable on this host (DESIGN.md §1): its files are
/// complete, its format (narrowed by its manifest) runs on the host backend, an engine on this
/// node serves that format on the backend it really computes on, and its memory (weights, KV
/// cache and compute buffers) fits that backend's devices (RAM on the CPU). A pure function, so
/// every rule is table-tested.
enum Compatibility {
    static func verdict(for model: LocalModel, on host: HostProfile, engines: EngineCatalog) -> ModelVerdict {
        let memory = MemoryEstimate.of(model, shape: host.shape)
        func refuse(_ reason: String, engine: String? = nil) -> ModelVerdict {
            ModelVerdict(model: model, reason: reason, engine: engine, memory: memory)
        }
        if let problem = model.fileProblem { return refuse(problem) }
        guard model.backends.contains(host.backend) else { return refuse(backendReason(model, host: host.backend)) }
        guard let engine = engines.engine(for: model.format) else {
            return refuse("no engine on this node serves \(model.format.displayName) (declare one with --engine \(model.format.rawValue)=URL)")
        }
        let target = host.target(forEngine: engine)
        if target.unusable { return refuse(target.note ?? "the engine does not run", engine: engine) }
        guard model.backends.contains(target.backend) else {
            return refuse(
                backendReason(model, host: host.backend) + "; \(target.note ?? "the engine runs on \(target.backend.displayName)")",
                engine: engine
            )
        }
        if let reason = memoryReason(memory, on: target, ramBytes: host.ramBytes) { return refuse(reason, engine: engine) }
        return ModelVerdict(model: model, reason: nil, engine: engine, runsOn: target.backend, note: target.note, memory: memory)
    }

    private static func backendReason(_ model: LocalModel, host: Backend) -> String {
        if model.backends.isEmpty {
            return "the manifest's backends leave nothing \(model.format.displayName) can run on"
        }
        let needs = model.backends.map(\.displayName).joinedAsAlternatives
        if model.declaredBackends != nil {
            return "the manifest limits this artifact to \(needs); this host is \(host.displayName)"
        }
        return "\(model.format.displayName) needs \(needs); this host is \(host.displayName)"
    }

    /// Why the model does not fit where it would run: one device, or all of them together (the
    /// engine splits a model across devices); nil when it fits. A model whose weights fit but
    /// whose weights with the KV cache do not is told so with both figures.
    private static func memoryReason(_ memory: MemoryEstimate, on target: EngineTarget, ramBytes: Int64) -> String? {
        let needed = memory.totalBytes
        let kvNote = memory.kvCacheBytes > 0 && memory.declaredBytes == nil
        if target.backend == .cpu {
            guard needed > ramBytes else { return nil }
            if kvNote && memory.withoutKVCacheBytes <= ramBytes {
                return "weights fit in \(gibibytes(ramBytes)) of RAM (\(gibibytes(memory.withoutKVCacheBytes)) with compute buffers), "
                    + "but weights + KV cache for \(memory.contextTokens) tokens need \(gibibytes(needed))"
            }
            return "needs \(gibibytes(needed)), this host has \(gibibytes(ramBytes)) of RAM"
        }
        // A forced backend without detected devices cannot be checked; serving it is the operator's call.
        let sizes = target.devices.map(\.memoryTotalBytes)
        guard let largest = sizes.max() else { return nil }
        let together = sizes.reduce(0, +)
        guard needed > together else { return nil }
        let name = target.backend.displayName
        let capacity =
            sizes.count > 1
            ? "its \(sizes.count) \(name) devices have \(gibibytes(together)) together" : "the \(name) device has \(gibibytes(largest))"
        if kvNote && memory.withoutKVCacheBytes <= together {
            return "weights fit (\(gibibytes(memory.withoutKVCacheBytes)) with compute buffers; \(capacity)), "
                + "but weights + KV cache for \(memory.contextTokens) tokens need \(gibibytes(needed))"
        }
        return "needs \(gibibytes(needed)), \(capacity)"
    }

    static func gibibytes(_ bytes: Int64) -> String {
        DetectionReport.gibibytes(bytes)
    }
}

extension Backend {
    /// The name people know it by.
    var displayName: String {
        switch self {
        case .cuda: "CUDA"
        case .rocm: "ROCm"
        case .vulkan: "Vulkan"
        case .opencl: "OpenCL"
        case .metal: "Metal"
        case .cpu: "CPU"
        }
    }
}

extension Array where Element == String {
    /// "A", "A or B", "A, B or C".
    var joinedAsAlternatives: String {
        count <= 1 ? joined() : dropLast().joined(separator: ", ") + " or " + last!
    }
}
