import Logging
import ServiceLifecycle
import Shared

/// The router's background upkeep: gives up the requests waiting on nodes that went silent
/// (``NodeRegistry/closeGatesOfSilentNodes()``), refreshes the fleet gauges, writes the
/// request log, and (SQLite) reloads API keys, so keys created or revoked with the CLI take
/// effect within seconds.
struct RouterMaintenanceService: Service {
    let keys: APIKeyStore
    let registry: NodeRegistry
    let metrics: RouterMetrics
    /// Where finished requests are written (nil: not kept).
    let requestLog: RequestLogStore?
    var interval: Duration = .seconds(2)
    /// Whether to re-read the API keys every interval: true for SQLite; replicas on PostgreSQL
    /// hear of every change (the CLI's included) at once, and re-read everything every 30 s.
    var reloadsKeys = true
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
            logger.error("cannot write the request log", metadata: ["error": "\(DatabaseErrorSummary.describe(error))"])
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                // Apart, so that a slow database never holds up the judging of liveness.
                group.addTask { await judgeLiveness() }
                group.addTask { await keepStorage() }
            }
        }
        // The requests finished since the last round.
        await writeRequestLog()
    }

    /// Closes the gates of silent nodes and refreshes the fleet gauges, every interval.
    private func judgeLiveness() async {
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
        }
    }

    /// Writes the request log, and reloads the API keys where no notice tells of their changes
    /// (SQLite: the `keys` command writes the file directly), every interval.
    private func keepStorage() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            await writeRequestLog()
            guard reloadsKeys else { continue }
            do {
                try await keys.reload()
            } catch {
                logger.error("cannot reload API keys", metadata: ["error": "\(DatabaseErrorSummary.describe(error))"])
            }
        }
    }
}
