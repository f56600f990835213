import Logging
import ServiceLifecycle
import Shared

/// Applies what other router replicas change, as the shared database announces it
/// (``RouterStorage/changes``), to this replica's registry, keys, registered models and
/// dashboard sessions. Every ``reconcileInterval`` (and whenever notifications may have been
/// missed) it re-reads everything, so a lost notification is repaired within that time.
struct ReplicaSync: Service {
    let changes: AsyncStream<StorageChange>
    let registry: NodeRegistry
    let nodes: NodeStore
    let keys: APIKeyStore
    let registrations: RegisteredModels
    let sessions: DashboardSessions
    var reconcileInterval: Duration = .seconds(30)
    let logger: Logger

    /// Applies the changes one at a time, the periodic reconciliation among them, so that a
    /// reconciliation's read never races a change's.
    func run() async throws {
        let (all, feed) = AsyncStream.makeStream(of: StorageChange.self, bufferingPolicy: .bufferingNewest(10_000))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await change in changes { feed.yield(change) }
                    feed.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: reconcileInterval)
                        feed.yield(.resync)
                    }
                }
                for await change in all { await apply(change) }
                group.cancelAll()
            }
        }
    }

    /// Applies one change; a failure to read the database is logged and repaired by the next
    /// reconciliation.
    func apply(_ change: StorageChange) async {
        do {
            switch change {
            case .node(let id):
                let mark = await registry.localChanges
                await registry.adopt(try await nodes.node(id: id), id: id, readAt: mark)
            case .heartbeat(let nodeID, let beat):
                _ = await registry.heartbeat(nodeID: nodeID, beat, persisting: false, lookingIn: nodes)
                // A notice too large was sent without its downloads: keep what was known.
                if let downloads = beat.downloads { await registrations.record(nodeID: nodeID, downloads) }
            case .keys:
                try await keys.reload()
            case .registeredModels:
                try await registrations.reload()
            case .sessionClosed(let hash):
                await sessions.forget(hash: hash)
            case .resync:
                let mark = await registry.localChanges
                await registry.reconcile(with: try await nodes.all(), readAt: mark)
                await sessions.forgetAll()
                try await keys.reload()
                try await registrations.reload()
            }
        } catch {
            logger.error("cannot apply another replica's change", metadata: ["error": "\(DatabaseErrorSummary.describe(error))"])
        }
    }
}
