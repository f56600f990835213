/// The registry's time: how long it has been running (which dates heartbeats and decides who
/// is offline) and waiting (queue timeouts). Any `Clock` measured in `Duration` drives it: the
/// continuous clock in the router, a clock the test advances in tests, so liveness and queue
/// timeouts are tested without waiting on the wall clock.
struct RegistryClock: Sendable {
    private let readElapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Time on `clock` from now on.
    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        readElapsed = { start.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    /// The monotonic clock (time passes while the machine sleeps, as for the nodes).
    static var continuous: RegistryClock { RegistryClock(ContinuousClock()) }

    /// Time since the clock was made.
    var elapsed: Duration { readElapsed() }

    /// Suspends for `duration` on this clock.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    func sleep(for duration: Duration) async throws {
        try await sleeper(duration)
    }
}
