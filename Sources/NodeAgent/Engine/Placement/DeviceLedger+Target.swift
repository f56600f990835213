extension DeviceLedger {
    /// The ledger for engines computing on `target`: each device may hold `budget` bytes when
    /// the operator set one, else 90 % of the memory free when the engine was probed; the CPU
    /// is one account of `budget`, else 80 % of RAM.
    init(target: EngineTarget, ramBytes: Int64, budget: Int64?) {
        guard target.backend != .cpu, !target.devices.isEmpty else {
            self.init(backend: .cpu, accounts: [Account(name: "CPU", capacityBytes: budget ?? ramBytes / 5 * 4)])
            return
        }
        self.init(
            backend: target.backend,
            accounts: target.devices.map { Account(name: $0.name, capacityBytes: budget ?? $0.memoryFreeBytes / 10 * 9) }
        )
    }
}
