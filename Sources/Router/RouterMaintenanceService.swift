import Logging
import ServiceLifecycle

/// The router's background upkeep: reloads API keys (so keys created or revoked with the CLI
/// take effect within seconds) and refreshes the fleet gauges.
struct RouterMaintenanceService: Service {
    let keys: APIKeyStore
    let registry: NodeRegistry
    let metrics: RouterMetrics
    var interval: Duration = .seconds(2)
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                metrics.fleet(nodes: await registry.snapshot(), queueDepths: await registry.queueDepths())
                do {
                    try await keys.reload()
                } catch {
                    logger.error("cannot reload API keys", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
