import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Shared

extension EnginePool {
    /// The warm engines among `models` (the node's executable models), for the heartbeat:
    /// managed engines loaded (with their free slots and measured speed, read from the idle
    /// engines' `/metrics` now, all at once) or starting, and every model an external engine
    /// serves (always up).
    func reports(serving models: [LocalModel], logger: Logger) async -> [EngineReport] {
        await measureIdleEngines(among: models, logger: logger)
        let slots = settings?.shape.slots
        var reports: [EngineReport] = []
        for model in models {
            let started = startDurations[model.id]?.seconds
            if catalogue.external[model.format] != nil {
                reports.append(EngineReport(model: model.id, state: .ready))
            } else if let entry = loaded[model.id], entry.engine.isRunning {
                reports.append(
                    EngineReport(
                        model: model.id,
                        state: .ready,
                        freeSlots: slots.map { max(0, $0 - entry.active) },
                        startSeconds: started,
                        promptTokensPerSecond: speeds[model.id]?.promptTokensPerSecond,
                        tokensPerSecond: speeds[model.id]?.tokensPerSecond,
                        requestSeconds: speeds[model.id]?.requestSeconds
                    )
                )
            } else if starting[model.id] != nil {
                reports.append(EngineReport(model: model.id, state: .starting, startSeconds: started))
            }
        }
        return reports
    }

    /// How long an engine must have been idle before its counters are read.
    static let quietBeforeMeasuring: Duration = .seconds(3)

    /// Reads the counters of every engine among `models` idle for ``quietBeforeMeasuring``,
    /// concurrently (1 s at most, so engines that hang delay no heartbeat beyond that), into
    /// ``speeds``, with the requests each engine finished. Only idle engines: any request to
    /// llama-server (`/metrics` too) postpones its once-a-second check of a waiting
    /// non-streamed request's connection, so reading during or just after requests would keep
    /// it from noticing a client that left. The counters keep what was done meanwhile, so the
    /// next idle reading still counts it.
    private func measureIdleEngines(among models: [LocalModel], logger: Logger) async {
        let idle = models.compactMap { model -> (model: String, url: String, finished: Int)? in
            guard let entry = loaded[model.id], entry.engine.isRunning, entry.active == 0, .now - entry.lastUsed > Self.quietBeforeMeasuring
            else { return nil }
            return (model.id, entry.engine.baseURL, entry.finished)
        }
        guard !idle.isEmpty else { return }
        let client = self.client
        let readings = await withTaskGroup(of: (String, Int, EngineSpeed.Counters?).self) { group in
            for engine in idle {
                group.addTask { (engine.model, engine.finished, await Self.counters(at: engine.url, client: client)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for (model, finished, counters) in readings {
            guard var counters else {
                logger.debug("engine metrics unavailable", metadata: ["model": "\(model)"])
                continue
            }
            counters.requests = Double(finished)
            if speeds[model] == nil {
                speeds[model] = EngineSpeed(counters)
            } else {
                speeds[model]?.update(counters)
            }
        }
    }

    /// The engine's counters from its `/metrics`, or nil when it does not answer them within 1 s.
    private static func counters(at baseURL: String, client: HTTPClient) async -> EngineSpeed.Counters? {
        var request = HTTPClientRequest(url: baseURL + "/metrics")
        request.method = .GET
        guard let response = try? await client.execute(request, timeout: .seconds(1)), response.status == .ok,
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return nil }
        return EngineSpeed.counters(in: String(buffer: body))
    }
}
