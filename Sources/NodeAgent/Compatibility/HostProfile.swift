/// What compatibility needs to know about the host: its detected backend and devices, where
/// the managed engine actually computes, how engines are shaped, and the RAM.
struct HostProfile: Sendable, Equatable {
    /// The backend detection chose.
    var backend: Backend
    /// Total memory of each usable device of that backend (empty on the CPU, or when a forced
    /// backend has no detected device). Judges models of external engines.
    var deviceMemoryBytes: [Int64]
    /// System RAM, which CPU inference uses.
    var ramBytes: Int64
    /// Where the managed `llama-server` computes; nil judges it as running on `backend`.
    var engine: EngineTarget?
    /// Slots and context per slot of the engines the agent starts.
    var shape: ServingShape

    init(backend: Backend, deviceMemoryBytes: [Int64], ramBytes: Int64, engine: EngineTarget? = nil, shape: ServingShape = .default) {
        self.backend = backend
        self.deviceMemoryBytes = deviceMemoryBytes
        self.ramBytes = ramBytes
        self.engine = engine
        self.shape = shape
    }

    init(report: DetectionReport, engine: EngineTarget? = nil, shape: ServingShape = .default) {
        self.init(
            backend: report.backend,
            deviceMemoryBytes: report.devices.map(\.memoryTotalBytes),
            ramBytes: report.memory.totalBytes,
            engine: engine,
            shape: shape
        )
    }

    /// Where a model served by `engine` (`llama-server` or `external`) computes.
    func target(forEngine engine: String) -> EngineTarget {
        if engine == "llama-server", let target = self.engine { return target }
        let devices = deviceMemoryBytes.enumerated().map { index, bytes in
            TargetDevice(name: "\(backend.rawValue)\(index)", detectedName: "", memoryTotalBytes: bytes, memoryFreeBytes: bytes)
        }
        return EngineTarget(backend: backend, devices: backend == .cpu ? [] : devices)
    }
}
