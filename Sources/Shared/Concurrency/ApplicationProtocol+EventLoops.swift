import Hummingbird

extension ApplicationProtocol {
    /// Runs the application as a service with its tasks preferring ``EventLoopTaskExecutor``:
    /// a request stays on its connection's event loop from the socket read through the handler
    /// to the upstream write. Tasks must then not block for long (long blocking work goes to
    /// NIO's thread pool or GRDB's queue).
    public func runServiceOnEventLoops() async throws {
        try await withTaskExecutorPreference(EventLoopTaskExecutor.shared) { try await runService() }
    }
}
