import NIOCore

/// The server's lifecycle as its health endpoint and services see it: running (and on which
/// port), then draining once a graceful shutdown began.
public actor ServerReadiness {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []
    /// Whether a graceful shutdown began: health answers 503 so load balancers stop sending.
    public private(set) var isDraining = false

    /// Creates a readiness signal that is not yet set.
    public init() {}

    /// Called from the application's `onServerRunning` hook.
    public func markRunning(_ channel: any Channel) {
        let bound = channel.localAddress?.port ?? 0
        port = bound
        for waiter in waiters { waiter.resume(returning: bound) }
        waiters.removeAll()
    }

    /// Waits until the server runs; returns the port it is bound to.
    public func waitUntilRunning() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks the server as draining (for good).
    public func beginDraining() {
        isDraining = true
    }
}
