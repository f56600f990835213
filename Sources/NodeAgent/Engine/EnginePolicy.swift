/// When the pool loads and unloads engines.
struct EnginePolicy: Sendable, Equatable {
    /// Unload an engine nobody used for this long (nil: keep engines loaded).
    var idleTimeout: Duration? = .seconds(600)
    /// Models started with the agent and kept loaded.
    var preload: Set<String> = []
    /// First wait after an engine crashed or failed to start; doubles per consecutive failure.
    var restartBackoff: Duration = .seconds(1)
    /// The longest wait between restarts.
    var maximumRestartBackoff: Duration = .seconds(60)

    /// The wait before the next start after `failures` consecutive failures.
    func backoff(after failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let factor = 1 << min(failures - 1, 16)
        return min(restartBackoff * factor, maximumRestartBackoff)
    }
}
