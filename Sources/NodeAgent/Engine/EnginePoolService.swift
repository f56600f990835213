import ServiceLifecycle

/// Stops every engine when the agent shuts down.
struct EnginePoolService: Service {
    let pool: EnginePool

    func run() async throws {
        try? await gracefulShutdown()
        await pool.shutdown()
    }
}
