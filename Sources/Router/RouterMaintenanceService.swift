import Logging
import ServiceLifecycle
import Shared

/// The router's background upkeep: gives up the requests waiting on nodes that went silent
/// (``NodeRegistry/closeGatesOfSilentNodes()``), reloads API keys (so keys created or revoked
/// with the CLI take effect within seconds), refreshes the fleet gauges, and writes the request log.
struct RouterMaintenanceService: Service {
    let keys: APIKeyStore
    let registry: NodeRegistry
    let metrics: RouterMetrics
    /// Where finished requests are written (nil: not kept).
    let requestLog: RequestLogStore?
    var interval: Duration = .seconds(2)
    /// Once the router drains its listener is closed and heartbeats cannot arrive: silence then
    /// says nothing about a node, so liveness is frozen (``NodeRegistry/freezeLiveness()``).
    var readiness = ServerReadiness()
    let logger: Logger

    /// Writes the finished requests to the request log, and prunes it now and then. The write
    /// runs in a task of its own, so a shutdown (which cancels this service) does not lose the
    /// records already drained.
    private func writeRequestLog() async {
        guard let requestLog else { return }
        let records = metrics.traffic.drainPending()
        do {
            try await Task {
                try await requestLog.append(records)
                // Replicas share the log: only the leading one prunes it.
                if Int.random(in: 0..<30) == 0, requestLog.database.isLeader { try await requestLog.prune() }
            }.value
        } catch {
            logger.error("cannot write the request log", metadata: ["error": "\(error)"])
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                // Draining, the router hears no heartbeats: liveness stops aging, so no gate closes.
                if await readiness.isDraining { await registry.freezeLiveness() }
                for node in await registry.closeGatesOfSilentNodes() {
                    logger.warning("node went silent: its requests still waiting for an answer move to other nodes", metadata: ["node.id": "\(node)"])
                }
                let queueDepths = await registry.queueDepths()
                metrics.fleet(nodes: await registry.snapshot(), queueDepths: queueDepths)
                metrics.traffic.sampleQueues(queueDepths)
                await writeRequestLog()
                do {
                    try await keys.reload()
                } catch {
                    logger.error("cannot reload API keys", metadata: ["error": "\(error)"])
                }
            }
        }
        // The requests finished since the last round.
        await writeRequestLog()
    }
}
