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
                    await measureSpeed(of: entry, logger: logger)
                }
                // Read after the await: the engine may have been checked out meanwhile.
                let active = loaded[model.id]?.active ?? entry.active
                reports.append(
                    EngineReport(
                        model: model.id,
                        state: .ready,
                        freeSlots: slots.map { max(0, $0 - active) },
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

    /// Reads the engine's counters (1 s at most) into ``speeds``, with the requests it finished.
    private func measureSpeed(of entry: Loaded, logger: Logger) async {
        var request = HTTPClientRequest(url: entry.engine.baseURL + "/metrics")
        request.method = .GET
        guard let response = try? await client.execute(request, timeout: .seconds(1)), response.status == .ok,
            let body = try? await response.body.collect(upTo: 1 << 20),
            var counters = EngineSpeed.counters(in: String(buffer: body))
        else {
            logger.debug("engine metrics unavailable", metadata: ["model": "\(entry.model.id)"])
            return
        }
        counters.requests = Double(entry.finished)
        if speeds[entry.model.id] == nil {
            speeds[entry.model.id] = EngineSpeed(counters)
        } else {
            speeds[entry.model.id]?.update(counters)
        }
    }
}
