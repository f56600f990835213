import Logging
import ServiceLifecycle

/// The first step of a graceful shutdown: runs beside the application and, when the shutdown
/// begins, turns health unready and holds the shutdown for ``DrainSettings/delay`` before the
/// server stops accepting connections.
struct DrainService: Service {
    let readiness: ServerReadiness
    let settings: DrainSettings
    let logger: Logger

    func run() async throws {
        try await gracefulShutdown()
        await readiness.beginDraining()
        logger.notice(
            "draining: health answers 503; new connections for \(settings.delay) more, then requests in flight get until \(settings.timeout) from now"
        )
        try? await Task.sleep(for: settings.delay)
    }
}
