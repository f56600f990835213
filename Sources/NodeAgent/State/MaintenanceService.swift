import Logging
import NIOPosix
import ServiceLifecycle

/// The agent's background upkeep: rescans the models directory when it changes, and lets the
/// engine pool restart crashed engines, unload idle ones and start preloaded ones. Stops every
/// engine on shutdown.
struct MaintenanceService: Service {
    let state: AgentState
    let engines: EnginePool
    let catalogue: ModelCatalogue
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await engines.maintain(models: await state.executableModels)
        await cancelWhenGracefulShutdown {
            var fingerprint = await directoryFingerprint()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let current = await directoryFingerprint()
                if current != fingerprint {
                    fingerprint = current
                    if await state.rescan() {
                        let served = await state.executableModelIDs
                        logger.info("models directory changed", metadata: ["models": "\(served)"])
                    }
                }
                await engines.maintain(models: await state.executableModels)
            }
        }
        await engines.shutdown()
    }

    /// The models directory's fingerprint, walked on NIO's blocking-work pool.
    private func directoryFingerprint() async -> Int {
        let catalogue = self.catalogue
        return await NIOThreadPool.singleton.blocking { catalogue.fingerprint() }
    }
}
