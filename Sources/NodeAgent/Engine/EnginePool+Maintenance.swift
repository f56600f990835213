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
        for (id, entry) in loaded where !entry.engine.isRunning {
            loaded[id] = nil
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

    /// Unloads least recently used idle engines until `model` fits the memory budget.
    /// - Throws: ``EngineError/noMemory`` when busy engines leave no room.
    func makeRoom(for model: LocalModel) async throws {
        guard let budget = policy.memoryBudgetBytes else { return }
        var used = loaded.values.reduce(Int64(0)) { $0 + $1.model.requiredMemoryBytes }
        let idle = loaded.values.filter { $0.active == 0 }.sorted { $0.lastUsed < $1.lastUsed }
        for entry in idle where used + model.requiredMemoryBytes > budget {
            used -= entry.model.requiredMemoryBytes
            await unload(entry, because: "unloading engine to make room", metadata: ["for": "\(model.id)"])
        }
        guard used + model.requiredMemoryBytes <= budget else {
            throw EngineError.noMemory(model: model.id, needed: model.requiredMemoryBytes, free: max(0, budget - used))
        }
    }

    /// Takes `entry`'s engine out of the pool and stops it (waiting at most 10 s for it to exit).
    private func unload(_ entry: Loaded, because message: Logger.Message, metadata: Logger.Metadata = [:]) async {
        logger.info(message, metadata: metadata.merging(["model": "\(entry.model.id)"]) { $1 })
        loaded[entry.model.id] = nil
        await entry.engine.stop(waitingAtMost: .seconds(10))
    }
}
