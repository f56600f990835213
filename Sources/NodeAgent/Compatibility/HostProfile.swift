/// What compatibility needs to know about the host: where models compute (the detected backend
/// and devices for external engines, the managed engine's own target for GGUF), how engines are
/// shaped, what they may hold, and the RAM.
struct HostProfile: Sendable, Equatable {
    /// The detected backend and its usable devices: where external engines compute.
    var detected: EngineTarget
    /// Where the managed `llama-server` computes; nil takes it as computing on ``detected``.
    var engine: EngineTarget?
    /// System RAM, which CPU inference uses.
    var ramBytes: Int64
    /// Slots and context per slot of the engines the agent starts.
    var shape: ServingShape
    /// What managed engines may hold per device (`--memory-budget`); nil: the ledger's defaults.
    var memoryBudgetBytes: Int64?

    /// The backend detection chose.
    var backend: Backend { detected.backend }

    init(detected: EngineTarget, engine: EngineTarget?, ramBytes: Int64, shape: ServingShape = .default, memoryBudgetBytes: Int64? = nil) {
        self.detected = detected
        self.engine = engine
        self.ramBytes = ramBytes
        self.shape = shape
        self.memoryBudgetBytes = memoryBudgetBytes
    }

    init(report: DetectionReport, shape: ServingShape = .default, memoryBudgetBytes: Int64? = nil) {
        self.init(
            detected: EngineTarget.resolve(report: report, engine: nil),
            engine: report.engineTarget,
            ramBytes: report.memory.totalBytes,
            shape: shape,
            memoryBudgetBytes: memoryBudgetBytes
        )
    }

    /// Where a model served by `engine` computes.
    func target(for engine: EngineKind) -> EngineTarget {
        engine == .llamaServer ? self.engine ?? detected : detected
    }

    /// What a model may use on each device of `target`: for the managed engine, what its
    /// ledger lets engines hold (so a model judged executable can be placed); for an external
    /// engine, the devices' memory (RAM on the CPU).
    func capacities(on target: EngineTarget, for engine: EngineKind) -> [Int64] {
        if engine == .llamaServer { return ledger(on: target).accounts.map(\.capacityBytes) }
        return target.backend == .cpu ? [ramBytes] : target.devices.map(\.memoryTotalBytes)
    }

    /// The ledger managed engines are placed with on `target`.
    func ledger(on target: EngineTarget) -> DeviceLedger {
        DeviceLedger(target: target, ramBytes: ramBytes, budget: memoryBudgetBytes)
    }
}
