import Logging

extension EnginePool {
    /// Books room for `model`'s engine on the devices (``DeviceLedger``), unloading least
    /// recently used idle engines until it fits, but only when unloading them all would make
    /// room. The booking is held in ``pending`` until the engine is adopted or its start fails.
    /// - Throws: ``EngineError/noMemory`` when busy engines leave no room.
    func place(_ model: LocalModel) async throws -> Placement {
        let needed = MemoryEstimate.of(model, shape: settings?.shape ?? .default).totalBytes
        while true {
            if let placement = ledger.place(needed) {
                ledger.reserve(placement)
                pending[model.id] = placement
                return placement
            }
            // Re-read after every unload: the pool changes while an engine is being stopped.
            // An engine whose start has not yet handed it to its waiting requests is not idle.
            let idle = loaded.values.filter { $0.active == 0 && starting[$0.model.id] == nil }
            var withoutIdle = ledger
            for entry in idle { withoutIdle.release(entry.placement) }
            guard withoutIdle.place(needed) != nil, let oldest = idle.min(by: { $0.lastUsed < $1.lastUsed }) else {
                throw EngineError.noMemory(model: model.id, needed: needed, free: ledger.largestFreeBytes)
            }
            await unload(oldest, because: "unloading engine to make room", metadata: ["for": "\(model.id)"])
        }
    }

    /// Takes a started engine into the pool with the placement booked for it.
    func adopt(_ engine: EngineProcess, load: EngineLoad?, serving model: LocalModel) {
        guard let placement = pending.removeValue(forKey: model.id) else { return }
        loaded[model.id] = Loaded(engine: engine, model: model, placement: placement, load: load, lastUsed: .now)
        logger.info(
            "engine placed",
            metadata: ["model": "\(model.id)", "devices": "\(placement.devices.joined(separator: ","))", "bytes": "\(placement.bytes)"]
        )
    }

    /// Returns the booking of an engine whose start failed.
    func cancelPending(_ modelID: String) {
        if let placement = pending.removeValue(forKey: modelID) { ledger.release(placement) }
    }

    /// Takes the engine of a model out of the pool, and its memory out of the ledger, once its
    /// process has exited.
    @discardableResult
    func removeExited(_ modelID: String) -> Loaded? {
        guard let entry = loaded.removeValue(forKey: modelID) else { return nil }
        ledger.release(entry.placement)
        return entry
    }

    /// Takes `entry`'s engine out of the pool and stops it (waiting at most 10 s for it to
    /// exit), unless it was checked out or replaced since `entry` was read: callers iterate
    /// copies of the pool across awaits. Its memory returns to the ledger only after the stop,
    /// so no new engine is placed on memory the old one still holds.
    func unload(_ entry: Loaded, because message: Logger.Message, metadata: Logger.Metadata = [:]) async {
        guard let current = loaded[entry.model.id], current.engine === entry.engine, current.active == 0 else { return }
        logger.info(message, metadata: metadata.merging(["model": "\(entry.model.id)"]) { $1 })
        loaded[entry.model.id] = nil
        await entry.engine.stop(waitingAtMost: .seconds(10))
        ledger.release(entry.placement)
    }

    /// The engines running now and the memory they hold on each device, read together.
    var placements: (engines: [RunningEngine], devices: [DeviceLedger.Account]) {
        let engines = loaded.values.sorted { $0.model.id < $1.model.id }.map {
            RunningEngine(model: $0.model.id, placement: $0.placement, load: $0.load, active: $0.active)
        }
        return (engines, ledger.accounts)
    }
}
