import NIOCore

/// Lets services wait until the HTTP server accepts connections (and learn its port).
public actor ServerReadiness {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

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
}
