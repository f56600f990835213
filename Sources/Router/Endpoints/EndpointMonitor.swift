import Logging
import ServiceLifecycle

/// Polls every endpoint, since endpoints send no heartbeats: each interval, a `GET /v1/models`
/// (with the endpoint's key, within the fetcher's timeout, which should stay under two
/// intervals). Rounds start at a fixed rate and each answer is taken as it arrives, so an
/// endpoint that hangs delays no other's heartbeat. An answer is the endpoint's heartbeat: it is
/// heard from, and its model list follows (filtered by its allow-list). Unanswered polls leave
/// it unheard, so it goes offline as a silent agent does (after the registry's `offlineAfter`,
/// three intervals by default). The first answer after a failed poll counts as a restart: the
/// endpoint's exclusions are lifted and it serves again without an operator.
struct EndpointMonitor: Service {
    let registry: NodeRegistry
    let fetcher: ModelListFetcher
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures: [String: Int] = [:]
            while !Task.isCancelled {
                let started = ContinuousClock.now
                await poll(&failures)
                try? await Task.sleep(until: started + interval)
            }
        }
    }

    /// Polls every endpoint at once and records what each said; `failures` counts each
    /// endpoint's unanswered polls in a row.
    func poll(_ failures: inout [String: Int]) async {
        let targets = await registry.endpointTargets()
        failures = failures.filter { id, _ in targets.contains { $0.id == id } }
        await withTaskGroup(of: (String, [String]?).self) { group in
            for target in targets {
                group.addTask {
                    let listed = try? await fetcher.fetch(from: target.url, credential: target.credential, logger: logger)
                    return (target.id, listed)
                }
            }
            for await (id, answer) in group {
                let failed = failures[id] ?? 0
                if let models = answer {
                    if failed > 0 { logger.info("endpoint answers again", metadata: ["node.id": "\(id)", "failed_polls": "\(failed)"]) }
                    failures[id] = 0
                    await registry.endpointAnswered(id: id, listed: models, recovered: failed > 0)
                } else {
                    if failed == 0 { logger.warning("endpoint did not answer its poll", metadata: ["node.id": "\(id)"]) }
                    failures[id] = failed + 1
                }
            }
        }
    }
}
