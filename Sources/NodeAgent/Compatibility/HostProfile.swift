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
    /// What managed engines may hold per device (`--memory-budget`); nil: the ledger's defaults.
    var memoryBudgetBytes: Int64?

    init(
        backend: Backend,
        deviceMemoryBytes: [Int64],
        ramBytes: Int64,
        engine: EngineTarget? = nil,
        shape: ServingShape = .default,
        memoryBudgetBytes: Int64? = nil
    ) {
        self.backend = backend
        self.deviceMemoryBytes = deviceMemoryBytes
        self.ramBytes = ramBytes
        self.engine = engine
        self.shape = shape
        self.memoryBudgetBytes = memoryBudgetBytes
    }

    init(report: DetectionReport, shape: ServingShape = .default, memoryBudgetBytes: Int64? = nil) {
        self.init(
            backend: report.backend,
            deviceMemoryBytes: report.devices.map(\.memoryTotalBytes),
            ramBytes: report.memory.totalBytes,
            engine: report.engineTarget,
            shape: shape,
            memoryBudgetBytes: memoryBudgetBytes
        )
    }

    /// What a model may use on each device of `target`: for the managed engine, what its
    /// ledger lets engines hold (so a model judged executable can be placed); for an external
    /// engine, the devices' memory (RAM on the CPU).
    func capacities(on target: EngineTarget, forEngine engine: String) -> [Int64] {
        if engine == "llama-server" {
            return DeviceLedger(target: target, ramBytes: ramBytes, budget: memoryBudgetBytes).accounts.map(\.capacityBytes)
        }
        return target.backend == .cpu ? [ramBytes] : target.devices.map(\.memoryTotalBytes)
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
