/// Decides whether a local model is executable on this host (DESIGN.md §1): its files are
/// complete, its format (narrowed by its manifest) runs on the host backend, an engine on this
/// node serves that format on the backend it really computes on, and its memory (weights, KV
/// cache and compute buffers) fits that backend's devices (RAM on the CPU). A pure function, so
/// every rule is table-tested.
enum Compatibility {
    static func verdict(for model: LocalModel, on host: HostProfile, engines: EngineCatalogue) -> ModelVerdict {
        let memory = MemoryEstimate.of(model, shape: host.shape)
        let engine = engines.engine(for: model.format)
        func refuse(_ reason: String) -> ModelVerdict {
            ModelVerdict(model: model, reason: reason, engine: engine, memory: memory)
        }
        if let problem = model.fileProblem { return refuse(problem) }
        // Where it would compute: on the engine's target when an engine serves the format.
        let target = engine.map { host.target(for: $0) }
        guard model.backends.contains(target?.backend ?? host.backend) else {
            return refuse(backendReason(model, host: host.backend, target: target))
        }
        guard let engine, let target else {
            return refuse("no engine on this node serves \(model.format.displayName) (declare one with --engine \(model.format.rawValue)=URL)")
        }
        if target.unusable { return refuse(target.note ?? "the engine does not run") }
        let capacities = host.capacities(on: target, for: engine)
        if let reason = memoryReason(memory, capacities: capacities, on: target.backend) {
            guard host.shape.fitsContext, let fitted = fitContext(model, capacity: capacities.reduce(0, +), shape: host.shape) else {
                return refuse(reason)
            }
            let note = [target.note, fitted.note].compactMap { $0 }.joined(separator: "; ")
            return ModelVerdict(model: fitted.model, reason: nil, engine: engine, runsOn: target.backend, note: note, memory: fitted.memory)
        }
        return ModelVerdict(model: model, reason: nil, engine: engine, runsOn: target.backend, note: target.note, memory: memory)
    }

    /// Why the model's format or manifest rules out where it would run.
    private static func backendReason(_ model: LocalModel, host: Backend, target: EngineTarget?) -> String {
        if model.backends.isEmpty {
            return "the manifest's backends leave nothing \(model.format.displayName) can run on"
        }
        let needs = model.backends.map(\.displayName).joinedAsAlternatives
        let rule =
            model.declaredBackends != nil
            ? "the manifest limits this artifact to \(needs)" : "\(model.format.displayName) needs \(needs)"
        // The host's GPU would do, but the engine cannot use it.
        if let target, target.backend != host, model.backends.contains(host) {
            return "\(rule), but \(target.note ?? "its engine runs on \(target.backend.displayName)")"
        }
        return "\(rule); this host is \(host.displayName)"
    }

    /// Why the model does not fit what engines may use where it runs: one device, all of them
    /// together (the engine splits a model across devices), or RAM; nil when it fits or when
    /// nothing is known to check against. A model whose weights fit but whose weights with the
    /// KV cache do not is told so with both figures.
    private static func memoryReason(_ memory: MemoryEstimate, capacities: [Int64], on backend: Backend) -> String? {
        let needed = memory.totalBytes
        let usable = capacities.reduce(0, +)
        guard !capacities.isEmpty, needed > usable else { return nil }
        let place =
            backend == .cpu
            ? "of this host's RAM"
            : capacities.count > 1 ? "on its \(capacities.count) \(backend.displayName) devices together" : "on the \(backend.displayName) device"
        let room = "engines may use \(gibibytes(usable)) \(place)"
        if memory.kvCacheBytes > 0, memory.declaredBytes == nil, memory.withoutKVCacheBytes <= usable {
            return "weights fit (\(gibibytes(memory.withoutKVCacheBytes)) with compute buffers; \(room)), "
                + "but weights + KV cache for \(memory.contextTokens) tokens need \(gibibytes(needed))"
        }
        return "needs \(gibibytes(needed)), more than the \(gibibytes(usable)) engines may use \(place)"
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
