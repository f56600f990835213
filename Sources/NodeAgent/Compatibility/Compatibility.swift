/// Decides whether a local model is executable on this host (DESIGN.md §1): its files are
/// complete, its format (narrowed by its manifest) runs on the host backend, an engine on this
/// node serves that format, and its memory requirement fits the backend's largest device (RAM
/// on the CPU). A pure function, so every rule is table-tested.
enum Compatibility {
    static func verdict(for model: LocalModel, on host: HostProfile, engines: EngineCatalog) -> ModelVerdict {
        if let problem = model.fileProblem {
            return ModelVerdict(model: model, reason: problem)
        }
        guard model.backends.contains(host.backend) else {
            return ModelVerdict(model: model, reason: backendReason(model, host: host))
        }
        guard let engine = engines.engine(for: model.format) else {
            return ModelVerdict(
                model: model,
                reason: "no engine on this node serves \(model.format.displayName) (declare one with --engine \(model.format.rawValue)=URL)"
            )
        }
        if let reason = memoryReason(model, host: host) {
            return ModelVerdict(model: model, reason: reason, engine: engine)
        }
        return ModelVerdict(model: model, reason: nil, engine: engine)
    }

    private static func backendReason(_ model: LocalModel, host: HostProfile) -> String {
        let hostName = host.backend.displayName
        if model.backends.isEmpty {
            return "the manifest's backends leave nothing \(model.format.displayName) can run on"
        }
        let needs = model.backends.map(\.displayName).joinedAsAlternatives
        if model.declaredBackends != nil {
            return "the manifest limits this artifact to \(needs); this host is \(hostName)"
        }
        return "\(model.format.displayName) needs \(needs); this host is \(hostName)"
    }

    private static func memoryReason(_ model: LocalModel, host: HostProfile) -> String? {
        let needed = model.requiredMemoryBytes
        if host.backend == .cpu {
            guard needed > host.ramBytes else { return nil }
            return "needs \(gibibytes(needed)), this host has \(gibibytes(host.ramBytes)) of RAM"
        }
        // A forced backend without detected devices cannot be checked; serving it is the operator's call.
        guard let largest = host.deviceMemoryBytes.max(), needed > largest else { return nil }
        return "needs \(gibibytes(needed)), largest \(host.backend.displayName) device has \(gibibytes(largest))"
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
