import Logging
import ServiceLifecycle

/// Polls every endpoint, since endpoints send no heartbeats: each interval, a `GET /v1/models`
/// (with the endpoint's key, `timeout` at most). An answer is the endpoint's heartbeat: it is
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
                await poll(&failures)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Polls every endpoint at once and records what each said; `failures` counts each
    /// endpoint's unanswered polls in a row.
    func poll(_ failures: inout [String: Int]) async {
        let targets = await registry.endpointTargets()
        let answers = await withTaskGroup(of: (String, [String]?).self) { group in
            for target in targets {
                group.addTask {
                    let listed = try? await fetcher.fetch(from: target.url, credential: target.credential, logger: logger)
                    return (target.id, listed.map(target.settings.routable))
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        failures = failures.filter { id, _ in targets.contains { $0.id == id } }
        for target in targets {
            let failed = failures[target.id] ?? 0
            if let models = answers[target.id] ?? nil {
                if failed > 0 { logger.info("endpoint answers again", metadata: ["node.id": "\(target.id)", "failed_polls": "\(failed)"]) }
                failures[target.id] = 0
                await registry.endpointAnswered(id: target.id, models: models, recovered: failed > 0)
            } else {
                if failed == 0 { logger.warning("endpoint did not answer its poll", metadata: ["node.id": "\(target.id)"]) }
                failures[target.id] = failed + 1
            }
        }
    }
}
