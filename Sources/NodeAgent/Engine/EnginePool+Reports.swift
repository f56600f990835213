import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Shared

extension EnginePool {
    /// The warm engines among `models` (the node's executable models), for the heartbeat:
    /// managed engines loaded (with their free slots and measured speed, read from each idle
    /// engine's `/metrics` now) or starting, and every model an external engine serves (always
    /// up).
    func reports(serving models: [LocalModel], logger: Logger) async -> [EngineReport] {
        let slots = settings?.shape.slots
        var reports: [EngineReport] = []
        for model in models {
            let started = startDurations[model.id]?.seconds
            if catalogue.external[model.format] != nil {
                reports.append(EngineReport(model: model.id, state: .ready))
            } else if let entry = loaded[model.id], entry.engine.isRunning {
                // Only once the engine has been idle for a while: any request to llama-server
                // (/metrics too) postpones its once-a-second check of a waiting non-streamed
                // request's connection, so polling during or just after requests would keep it
                // from noticing a client that left (and from stopping). The counters keep what was
                // generated meanwhile, so the next idle reading still counts it.
                if entry.active == 0, .now - entry.lastUsed > Self.quietBeforeMeasuring {
                    await measureSpeed(of: entry.engine, model: model.id, logger: logger)
                }
                // Read after the await: the engine may have been checked out meanwhile.
                let active = loaded[model.id]?.active ?? entry.active
                reports.append(
                    EngineReport(
                        model: model.id,
                        state: .ready,
                        freeSlots: slots.map { max(0, $0 - active) },
                        startSeconds: started,
                        tokensPerSecond: speeds[model.id]?.tokensPerSecond
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

    /// Reads the engine's generation counters (1 s at most) into ``speeds``.
    private func measureSpeed(of engine: EngineProcess, model: String, logger: Logger) async {
        var request = HTTPClientRequest(url: engine.baseURL + "/metrics")
        request.method = .GET
        guard let response = try? await client.execute(request, timeout: .seconds(1)), response.status == .ok,
            let body = try? await response.body.collect(upTo: 1 << 20),
            let counters = GenerationSpeed.counters(in: String(buffer: body))
        else {
            logger.debug("engine metrics unavailable", metadata: ["model": "\(model)"])
            return
        }
        if speeds[model] == nil {
            speeds[model] = GenerationSpeed(tokens: counters.tokens, seconds: counters.seconds)
        } else {
            speeds[model]?.update(tokens: counters.tokens, seconds: counters.seconds)
        }
    }
}
