import Logging

extension EnginePool {
    /// One maintenance pass: restart crashed engines (with backoff), unload idle ones and those
    /// of models no longer served (deleted, unregistered), and start preloaded models that are
    /// not running. Called periodically by ``MaintenanceService``.
    func maintain(models: [LocalModel]) async {
        let served = Set(models.map(\.id))
        for (id, entry) in loaded where entry.active == 0 && !served.contains(id) {
            await unload(entry, because: "stopping the engine of a model no longer served")
        }
        for (id, entry) in loaded where !entry.engine.isRunning && loaded[id]?.engine === entry.engine {
            remove(id)
            recordFailure(id, reason: "engine exited unexpectedly (status \(entry.engine.terminationStatus))")
            crashed[id] = entry.model
        }
        if let idleTimeout = policy.idleTimeout {
            for (id, entry) in loaded where entry.active == 0 && !policy.preload.contains(id) && .now - entry.lastUsed > idleTimeout {
                await unload(entry, because: "unloading idle engine")
            }
        }
        crashed = crashed.filter { served.contains($0.key) && loaded[$0.key] == nil }
        let wanted = Array(crashed.values) + models.filter { policy.preload.contains($0.id) && loaded[$0.id] == nil }
        for model in wanted where starting[model.id] == nil {
            let failure = failures[model.id]
            guard failure.map({ $0.last + policy.backoff(after: $0.count) <= .now }) ?? true else { continue }
            Task { try? await self.start(model) }
        }
    }

    /// Books room for `model`'s engine on the devices (``DeviceLedger``), unloading least
    /// recently used idle engines until it fits. The booking is held in ``pending`` until the
    /// engine is adopted or its start fails.
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
            guard let idle = loaded.values.filter({ $0.active == 0 }).min(by: { $0.lastUsed < $1.lastUsed }) else {
                throw EngineError.noMemory(model: model.id, needed: needed, free: ledger.largestFreeBytes)
            }
            await unload(idle, because: "unloading engine to make room", metadata: ["for": "\(model.id)"])
        }
    }

    /// Takes a started engine into the pool with the placement booked for it.
    func adopt(_ engine: EngineProcess, serving model: LocalModel) {
        guard let placement = pending.removeValue(forKey: model.id) else { return }
        loaded[model.id] = Loaded(engine: engine, model: model, placement: placement, lastUsed: .now)
        logger.info(
            "engine placed",
            metadata: ["model": "\(model.id)", "devices": "\(placement.devices.joined(separator: ","))", "bytes": "\(placement.bytes)"]
        )
    }

    /// Returns the booking of an engine whose start failed.
    func cancelPending(_ modelID: String) {
        if let placement = pending.removeValue(forKey: modelID) { ledger.release(placement) }
    }

    /// Takes a model's engine out of the pool and returns its memory to the ledger.
    @discardableResult
    func remove(_ modelID: String) -> Loaded? {
        guard let entry = loaded.removeValue(forKey: modelID) else { return nil }
        ledger.release(entry.placement)
        return entry
    }

    /// Takes `entry`'s engine out of the pool and stops it (waiting at most 10 s for it to exit),
    /// unless it was checked out or replaced since `entry` was read: callers iterate copies of
    /// the pool across awaits.
    private func unload(_ entry: Loaded, because message: Logger.Message, metadata: Logger.Metadata = [:]) async {
        guard let current = loaded[entry.model.id], current.engine === entry.engine, current.active == 0 else { return }
        logger.info(message, metadata: metadata.merging(["model": "\(entry.model.id)"]) { $1 })
        remove(entry.model.id)
        await entry.engine.stop(waitingAtMost: .seconds(10))
    }
}
