import NIOPosix

extension NIOThreadPool {
    /// Runs blocking `work` on this pool, off the event loops (inline once the pool has shut
    /// down, during the agent's exit).
    func blocking<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        (try? await runIfActive(work)) ?? work()
    }
}
