import Hummingbird
import ServiceLifecycle
import UnixSignals

extension ApplicationProtocol {
    /// Runs the application until SIGTERM or SIGINT, then drains it (``DrainSettings``): health
    /// unready first, the listener closed after the delay, requests in flight cut at the
    /// timeout. Tasks prefer ``EventLoopTaskExecutor``: a request stays on its connection's
    /// event loop from the socket read through the handler to the upstream write, so they must
    /// not block for long (long blocking work goes to NIO's thread pool or GRDB's queue).
    public func runServiceOnEventLoops(readiness: ServerReadiness = ServerReadiness(), drain: DrainSettings = DrainSettings()) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [
                // Shut down in reverse order: the drain's delay before the server stops.
                .init(service: self),
                .init(service: DrainService(readiness: readiness, settings: drain, logger: logger), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = drain.timeout
        // Past the drain, cut work gets this long to unwind before the process exits regardless.
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        try await withTaskExecutorPreference(EventLoopTaskExecutor.shared) { try await group.run() }
    }
}
