/// Spreads downloads over time so that all of them together stay under a byte rate.
actor BandwidthLimiter {
    private let bytesPerSecond: Int64
    private var nextFree = ContinuousClock.now

    init(bytesPerSecond: Int64) {
        self.bytesPerSecond = max(1, bytesPerSecond)
    }

    /// Books `bytes` of transfer; returns when the caller may go on.
    func reserve(_ bytes: Int) async throws {
        let now = ContinuousClock.now
        // At most a quarter second of unused allowance carries over, so a pause is not followed by a burst.
        let start = max(nextFree, now - .milliseconds(250))
        nextFree = start + .nanoseconds(Int64(bytes) * 1_000_000_000 / bytesPerSecond)
        if nextFree > now { try await Task.sleep(until: nextFree, clock: .continuous) }
    }
}
