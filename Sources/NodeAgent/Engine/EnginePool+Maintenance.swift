import Logging

extension EnginePool {
    /// One maintenance pass: restart crashed engines (with backoff), unload idle ones, and start
    /// preloaded models that are not running. Called periodically by ``EnginePoolService``.
    func maintain(models: [LocalModel]) async {
        for (id, entry) in loaded where !entry.engine.isRunning {
            loaded[id] = nil
            recordFailure(id, reason: "engine exited unexpectedly (status \(entry.engine.terminationStatus))")
            restartInBackground(entry.model)
        }
        if let idleTimeout = policy.idleTimeout {
            for (id, entry) in loaded where entry.active == 0 && !policy.preload.contains(id) && .now - entry.lastUsed > idleTimeout {
                logger.info("unloading idle engine", metadata: ["model": "\(id)"])
                loaded[id] = nil
                await entry.engine.stop(waitingAtMost: .seconds(10))
            }
        }
        for model in models where policy.preload.contains(model.id) && loaded[model.id] == nil && starting[model.id] == nil {
            restartInBackground(model)
        }
    }

    /// Starts `model` without a waiting request (crash recovery, preload); failures are recorded
    /// and retried on a later pass once the backoff has passed.
    func restartInBackground(_ model: LocalModel) {
        guard let failure = failures[model.id] else {
            Task { try? await self.start(model) }
            return
        }
        guard failure.last + policy.backoff(after: failure.count) <= .now else { return }
        Task { try? await self.start(model) }
    }

    /// Unloads least recently used idle engines until `model` fits the memory budget.
    /// - Throws: ``EngineError/noMemory`` when busy engines leave no room.
    func makeRoom(for model: LocalModel) async throws {
        guard let budget = policy.memoryBudgetBytes else { return }
        var used = loaded.values.reduce(Int64(0)) { $0 + $1.model.requiredMemoryBytes }
        let idle = loaded.values.filter { $0.active == 0 }.sorted { $0.lastUsed < $1.lastUsed }
        for entry in idle where used + model.requiredMemoryBytes > budget {
            logger.info("unloading engine to make room", metadata: ["model": "\(entry.model.id)", "for": "\(model.id)"])
            loaded[entry.model.id] = nil
            used -= entry.model.requiredMemoryBytes
            await entry.engine.stop(waitingAtMost: .seconds(10))
        }
        guard used + model.requiredMemoryBytes <= budget else {
            throw EngineError.noMemory(model: model.id, needed: model.requiredMemoryBytes, free: max(0, budget - used))
        }
    }
}
