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
            removeExited(id)
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
}
