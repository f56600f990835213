import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// The router with real agents and engines: failover and exclusion, capacity, disconnects,
/// and restarts.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct RoutingTests {
    static func chat(tokens: Int, stream: Bool = false) -> String {
        #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": \#(tokens), "ignore_eos": true, "stream": \#(stream), "temperature": 0, "messages": [{"role": "user", "content": "Tell me a long story about trains."}]}"#
    }

    func nodes(_ fleet: Fleet) async throws -> [[String: Any]] {
        let (_, body) = try await fleet.call(.GET, "/v0/nodes")
        return (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
    }

    @Test func killedEngineFailsOverIsExcludedAndComesBackWithItsAgent() async throws {
        try await withFleet(agents: 0) { fleet in
            let first = try await fleet.startAgent(name: "a")
            let port = try await first.listeningPort()
            try await fleet.startAgent(name: "b")
            try await warmUp(first, in: fleet)  // the load goes there first (warm first)
            let statuses = StatusRecorder()
            let load = (0..<4).map { _ in
                Task {
                    for _ in 0..<3 {
                        let (status, _) = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 24))
                        await statuses.append(status)
                    }
                }
            }
            try await fleet.eventually("the first node's engine is generating") {
                guard let port = EngineProcesses.port(of: first) else { return false }
                return try await Self.processing(enginePort: port) > 0
            }
            for engine in EngineProcesses.of(first).keys { kill(engine, SIGKILL) }
            for task in load { try await task.value }

            let seen = await statuses.values
            #expect(seen == Array(repeating: 200, count: 12), "every request succeeds, retried elsewhere when its node failed")
            let excluded = try await nodes(fleet).first { ($0["url"] as? String)?.hasSuffix(":\(port)") == true }
            #expect(excluded?["excluded_models"] as? [String] == [TestEnvironment.chatModel])
            #expect(!fleet.router.log.contains("127.0.0.1:\(port)"), "the router's log names no node address")

            await first.stop()
            try await fleet.startAgent(name: "a", port: port)
            try await fleet.eventually("the restarted agent's model is routable again") {
                let node = try await nodes(fleet).first { ($0["url"] as? String)?.hasSuffix(":\(port)") == true }
                return node?["online"] as? Bool == true && (node?["excluded_models"] as? [String])?.isEmpty == true
            }
        }
    }

    @Test func aRequestGoesWhereItsModelIsWarmNotToAnIdleColdNode() async throws {
        try await withFleet(agents: 2) { fleet in
            let (warm, cold) = (fleet.agents[0], fleet.agents[1])
            try await warmUp(warm, in: fleet)
            for _ in 0..<6 {
                #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 2)).status == 200)
            }
            #expect(EngineProcesses.of(cold).isEmpty, "the idle node started an engine although another had the model warm")
            #expect(Array(EngineProcesses.of(warm).values) == [TestEnvironment.chatModel])
            let (_, metrics) = try await fleet.call(.GET, "/metrics")
            #expect(!metrics.contains("switchyard_cold_starts_total{"), "no request was sent to a cold node")
        }
    }

    @Test func aSessionStaysOnOneNodeAndMovesWithoutAnErrorWhenItsNodeGoes() async throws {
        try await withFleet(agents: 2) { fleet in
            for agent in fleet.agents { try await warmUp(agent, in: fleet) }  // both warm: only the session decides
            let ports = try fleet.agents.map { try #require(EngineProcesses.port(of: $0)) }
            func generated() async throws -> [Double] {
                var counts: [Double] = []
                for port in ports { counts.append(try await Self.engineMetric("llamacpp:tokens_predicted_total", enginePort: port)) }
                return counts
            }
            let before = try await generated()
            for turn in 0..<4 {
                let (status, _) = try await fleet.call(
                    .POST,
                    "/v1/chat/completions",
                    json: Self.chat(tokens: 3),
                    headers: ["X-Session-ID": "conversation-1"]
                )
                #expect(status == 200, "turn \(turn)")
            }
            let after = try await generated()
            let served = zip(before, after).map { $1 - $0 }
            #expect(served.filter { $0 > 0 }.count == 1, "the turns went to more than one node: \(served)")
            let home = try #require(served.firstIndex { $0 > 0 })

            // Its node goes away: the next turn moves to the other node, and the client sees no error.
            fleet.agents[home].kill()
            for turn in 0..<3 {
                let (status, body) = try await fleet.call(
                    .POST,
                    "/v1/chat/completions",
                    json: Self.chat(tokens: 3),
                    headers: ["X-Session-ID": "conversation-1"]
                )
                #expect(status == 200, "turn \(turn) after the node went: \(body)")
            }
            let (_, metrics) = try await fleet.call(.GET, "/metrics")
            #expect(metrics.contains("placement=\"moved\""), "the move is counted")
        }
    }

    /// Starts the chat model's engine on `agent` with a request of its own, and waits until
    /// the router has heard from the agent's heartbeat that it is warm there.
    func warmUp(_ agent: ManagedProcess, in fleet: Fleet) async throws {
        try #require(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat(tokens: 2)).status == 200)
        let port = try await agent.listeningPort()
        try await fleet.eventually("the router hears that the engine is warm") {
            let node = try await nodes(fleet).first { ($0["url"] as? String)?.hasSuffix(":\(port)") == true }
            let engines = node?["engines"] as? [[String: Any]] ?? []
            return node?["warm_models"] as? [String] == [TestEnvironment.chatModel] && engines.first?["state"] as? String == "ready"
        }
    }

    /// Streams keep their keep-alive connections (the close notifier watches them, not
    /// Hummingbird's consuming watcher), and the requests that follow on the pooled connections
    /// succeed without excluding anything.
    @Test func requestsAfterAStreamReuseNoClosingConnection() async throws {
        try await withFleet { fleet in
            for round in 0..<3 {
                let response = try await fleet.send(.POST, "/v1/chat/completions", json: Self.chat(tokens: 4, stream: true))
                #expect(response.headers.first(name: "connection")?.lowercased() != "close", "a stream closed its connection")
                _ = try await response.body.collect(upTo: 1 << 20)
                for _ in 0..<3 {
                    let (status, body) = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 2))
                    #expect(status == 200, "round \(round): \(body)")
                }
            }
            let excluded = try await nodes(fleet).flatMap { $0["excluded_models"] as? [String] ?? [] }
            #expect(excluded.isEmpty, "a healthy node was excluded: \(excluded)")
        }
    }

    @Test func aNodeWithCapacityOneRunsOneRequestAtATime() async throws {
        try await withFleet(agents: 0) { fleet in
            try await fleet.startAgent(name: "single", extraArguments: ["--slots", "1"])
            let spans = try await withThrowingTaskGroup(of: (start: ContinuousClock.Instant, end: ContinuousClock.Instant).self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let response = try await fleet.send(.POST, "/v1/chat/completions", json: Self.chat(tokens: 24, stream: true))
                        var start: ContinuousClock.Instant?
                        for try await _ in response.body where start == nil { start = .now }
                        return (start ?? .now, .now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.start < $1.start }
            }
            #expect(spans[1].start >= spans[0].end, "the second request started before the first ended")
        }
    }

    @Test func aClientLeavingAStreamCancelsTheEngineRequest() async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            let (streaming, port) = try await Self.startLongStream(fleet, agent: agent)
            streaming.cancel()
            let left = ContinuousClock.now
            try await fleet.eventually("the engine stops generating", timeout: .seconds(5)) { try await Self.processing(enginePort: port) == 0 }
            #expect(ContinuousClock.now - left < .seconds(1), "the engine kept generating after the client left")
        }
    }

    /// Observed in the engine's log: while anything polls llama-server's `/metrics` (or posts
    /// any other task), it does not check a non-streamed request's connection. Unlike a stream,
    /// whose next write fails at once, a non-streamed request's connection is checked once a
    /// second, hence the bound of two seconds.
    @Test func aClientLeavingBeforeANonStreamedAnswerCancelsTheEngineRequest() async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            let (waiting, port) = try await Self.startLongStream(fleet, agent: agent, stream: false)
            let engineLog = fleet.directory.appendingPathComponent("\(agent.name)-engines")
                .appendingPathComponent(TestEnvironment.chatModel.replacingOccurrences(of: "/", with: "--") + ".log")
            waiting.cancel()
            let left = ContinuousClock.now
            try await fleet.eventually("the engine cancels the request", timeout: .seconds(5)) {
                (try? String(contentsOf: engineLog, encoding: .utf8))?.contains("cancel task") == true
            }
            #expect(ContinuousClock.now - left < .seconds(2), "the engine kept generating after the client left")
            // The slot is released just after the cancellation is logged.
            try await fleet.eventually("the engine's slot is free", timeout: .seconds(2)) { try await Self.processing(enginePort: port) == 0 }
            // The keep-alive connections in front stay usable.
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 2)).status == 200)
        }
    }

    @Test func aClientLeavingWhileQueuedGivesUpItsPlace() async throws {
        try await withFleet(agents: 0) { fleet in
            let agent = try await fleet.startAgent(name: "single", extraArguments: ["--slots", "1"])
            let (holding, port) = try await Self.startLongStream(fleet, agent: agent)
            let queued = Task { try await fleet.send(.POST, "/v1/chat/completions", json: Self.chat(tokens: 2000)) }
            try await fleet.eventually("the second request waits in the queue") { try await Self.queueDepth(fleet) == 1 }
            queued.cancel()
            try await fleet.eventually("the queue is empty again", timeout: .seconds(5)) { try await Self.queueDepth(fleet) == 0 }
            holding.cancel()
            try await fleet.eventually("the engine stops generating", timeout: .seconds(5)) { try await Self.processing(enginePort: port) == 0 }
            // Had the departed request kept its place, it would now be sent to the free engine.
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.processing(enginePort: port) == 0, "the engine received the request of a client that had left")
            let (_, metrics) = try await fleet.call(.GET, "/metrics")
            #expect(metrics.contains("status=\"499\""), "the departure is counted")
        }
    }

    /// Starts a long chat (streamed unless told otherwise) and waits until the agent's engine
    /// generates it.
    /// - Returns: The client's task (cancel it to leave) and the engine's port.
    /// Starts a long generation through the router (chat unless `path` and `json` say otherwise)
    /// and waits until the agent's engine works on it; returns the client's task and the engine's port.
    static func startLongStream(
        _ fleet: Fleet,
        agent: ManagedProcess,
        stream: Bool = true,
        path: String = "/v1/chat/completions",
        json: String? = nil
    ) async throws -> (Task<Void, any Error>, Int) {
        let body = json ?? Self.chat(tokens: 2000, stream: stream)
        let streaming = Task {
            let response = try await fleet.send(.POST, path, json: body)
            for try await _ in response.body {}
        }
        try await fleet.eventually("the engine is generating") {
            guard let port = EngineProcesses.port(of: agent) else { return false }
            return try await Self.processing(enginePort: port) == 1
        }
        return (streaming, try #require(EngineProcesses.port(of: agent)))
    }

    /// `switchyard_queue_depth` for the chat model (refreshed by the router's maintenance loop).
    static func queueDepth(_ fleet: Fleet) async throws -> Double {
        let (_, metrics) = try await fleet.call(.GET, "/metrics")
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("switchyard_queue_depth") && $0.contains(TestEnvironment.chatModel) }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test func responsesCarryTheRouterTimeAndMetricsCountThem() async throws {
        try await withFleet { fleet in
            let response = try await fleet.send(.POST, "/v1/chat/completions", json: Self.chat(tokens: 4))
            #expect(response.status == .ok)
            let routerTime = try #require(response.headers.first(name: "x-switchyard-router-time-ms").flatMap(Double.init))
            #expect(routerTime >= 0 && routerTime < 1000)
            #expect(response.headers.first(name: "x-request-id") != nil)
            _ = try await response.body.collect(upTo: 1 << 20)
            let (_, metrics) = try await fleet.call(.GET, "/metrics")
            let line = metrics.split(separator: "\n").first {
                $0.hasPrefix("switchyard_requests_total") && $0.contains(TestEnvironment.chatModel) && $0.contains("status=\"200\"")
            }
            #expect(line?.hasSuffix(" 1") == true, "\(line ?? "no switchyard_requests_total line")")
            #expect(metrics.contains("switchyard_time_to_first_byte_seconds_bucket"))
            #expect(!metrics.contains("127.0.0.1"), "no internal address in metrics")
        }
    }

    /// `llamacpp:requests_processing` from the engine's Prometheus endpoint.
    static func processing(enginePort: Int) async throws -> Double {
        try await engineMetric("llamacpp:requests_processing", enginePort: enginePort)
    }

    /// A value from the engine's Prometheus endpoint (-1 when it is not there).
    static func engineMetric(_ name: String, enginePort: Int) async throws -> Double {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(enginePort)/metrics")
        request.method = .GET
        let text = String(buffer: try await HTTPClient.shared.execute(request, timeout: .seconds(5)).body.collect(upTo: 1 << 20))
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
    }

    @Test func aRestartedRouterKeepsItsNodesAndTrafficResumes() async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 4)).status == 200)
            let key = try await fleet.keysCommand(["create", "--name", "survivor"]).trimmingCharacters(in: .whitespacesAndNewlines)
            try await fleet.eventually("the running router accepts a key the CLI created") {
                try await fleet.call(.GET, "/v1/models", key: key).status == 200
            }
            try await fleet.restartRouter()
            #expect(try await fleet.call(.GET, "/v1/models", key: key).status == 200, "keys survive the restart")
            let restored = try await nodes(fleet)
            #expect(restored.count == 1, "the node survived the restart")
            try await fleet.eventually("traffic resumes", timeout: .seconds(10)) {
                try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(tokens: 4)).status == 200
            }
            #expect(agent.isRunning)
            #expect(agent.log.components(separatedBy: "registered with router").count == 2, "the agent never had to register again")
        }
    }
}

/// HTTP statuses collected from concurrent requests.
actor StatusRecorder {
    var values: [Int] = []
    var count: Int { values.count }
    func append(_ value: Int) { values.append(value) }
}
