import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Prometheus
import Shared
import Testing

@testable import SwitchyardRouter

/// One request through the request router to real loopback "nodes": each attempt ends exactly
/// once, its slot is given back, and only the node's own faults exclude it.
@Suite struct RequestRouterTests {
    /// A node that answers inference requests with `statuses` in turn (the last one from then
    /// on); reports its port once it listens.
    static func node(answering statuses: [HTTPResponse.Status], listening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        let answered = NIOLockedValueBox(0)
        router.post("v1/chat/completions") { _, _ in
            let turn = answered.withLockedValue { answered in
                defer { answered += 1 }
                return answered
            }
            let status = statuses[min(turn, statuses.count - 1)]
            var headers: HTTPFields = [.contentType: "application/json"]
            // 503 is the agent's own "full" (the arbiter of its capacity); 429 a plain busy answer.
            if status == .serviceUnavailable { headers[HTTPField.Name(NodeBusy.header)!] = "1" }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { listening($0.localAddress?.port ?? 0) },
            logger: Self.quiet
        )
    }

    /// Runs `test` with a registry holding one node per status (in that order of IDs) and a
    /// request router over them.
    func withNodes(
        _ statuses: [HTTPResponse.Status],
        busyPatience: Duration = .seconds(30),
        _ test: @escaping @Sendable (RequestRouter, [String]) async throws -> Void
    ) async throws {
        try await withNodes(statuses.map { [$0] }, busyPatience: busyPatience, test)
    }

    /// The same with nodes that answer a sequence of statuses each.
    func withNodes(
        _ statuses: [[HTTPResponse.Status]],
        busyPatience: Duration = .seconds(30),
        _ test: @escaping @Sendable (RequestRouter, [String]) async throws -> Void
    ) async throws {
        let upstream = UpstreamClient()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var ports: [Int] = []
            for status in statuses {
                let ready = AsyncStream<Int>.makeStream()
                let app = Self.node(answering: status) { ready.continuation.yield($0) }
                group.addTask { try await app.runService() }
                for await port in ready.stream {
                    ports.append(port)
                    break
                }
            }
            let registry = NodeRegistry(settings: RegistrySettings(), clock: RegistryClock(ManualClock()))
            var ids: [String] = []
            for port in ports {
                let url = "http://127.0.0.1:\(port)"
                let registration = NodeRegistration(url: url, instanceID: "i", name: url, backend: "cpu", devices: [], capacity: 1)
                ids.append(await registry.register(registration, models: ["m"]))
            }
            let router = RequestRouter(
                registry: registry,
                forwarder: UpstreamForwarder(client: upstream),
                metrics: RouterMetrics(registry: PrometheusCollectorRegistry()),
                nodeToken: "node",
                firstByteTimeout: .seconds(5),
                maxAttempts: 3,
                busyPatience: busyPatience
            )
            try await test(router, ids)
            group.cancelAll()
        }
        await upstream.shutdown()
    }

    /// The servers' logger: their shutdown at the end of a test is no news.
    static let quiet: Logger = {
        var logger = Logger(label: "test-node")
        logger.logLevel = .critical
        return logger
    }()

    static func request() -> RoutedRequest {
        RoutedRequest(
            model: "m",
            route: .chatCompletions,
            body: ByteBuffer(string: #"{"model":"m"}"#),
            headers: [:],
            stream: false,
            requestID: "r1",
            arrived: .now
        )
    }

    /// Reads the response to its end, as the server would for the client.
    static func drain(_ response: Response) async throws -> String {
        let collector = BodyCollector()
        try await response.body.write(collector)
        return String(buffer: await collector.buffer)
    }

    @Test func aFailingNodeIsExcludedAndTheNextOneAnswers() async throws {
        try await withNodes([.internalServerError, .ok, .ok]) { router, ids in
            // The failing node is the warm one, so it is tried first (warm first).
            let warm = NodeHeartbeat(instanceID: "i", inFlight: 0, modelsVersion: "", engines: [EngineReport(model: "m", state: .ready)])
            _ = await router.registry.heartbeat(nodeID: ids[0], warm)
            var answered = 0
            while await router.registry.node(ids[0])?.node.excluded.isEmpty == true && answered < 10 {
                let response = try await router.route(Self.request(), watch: ClientDisconnectWatch(connection: nil), logger: Logger(label: "test"))
                #expect(response.status == .ok)
                #expect(try await Self.drain(response) == #"{"ok":true}"#)
                answered += 1
            }
            let failing = try #require(await router.registry.node(ids[0]))
            #expect(failing.node.excluded == ["m"])
            #expect(failing.node.exclusionNotes["m"]?.reason == "the node answered 500")
            for id in ids {
                await poll("node \(id)'s slot is given back") { await router.registry.node(id)?.inFlight == 0 }
            }
            for id in ids.dropFirst() { #expect(await router.registry.node(id)?.node.excluded.isEmpty == true) }
        }
    }

    @Test func aFullNodeIsAskedAgainUntilItTakesTheRequest() async throws {
        // The node's own count says full twice (another router, a direct client), then answers.
        try await withNodes([[.serviceUnavailable, .serviceUnavailable, .ok]]) { router, ids in
            let response = try await router.route(Self.request(), watch: ClientDisconnectWatch(connection: nil), logger: Logger(label: "test"))
            #expect(response.status == .ok)
            #expect(try await Self.drain(response) == #"{"ok":true}"#)
            let status = try #require(await router.registry.node(ids[0]))
            #expect(status.node.excluded.isEmpty && status.inFlight == 0)
        }
    }

    @Test func aNodeFullPastThePatienceIsAQueueTimeout() async throws {
        try await withNodes([.serviceUnavailable], busyPatience: .milliseconds(300)) { router, ids in
            await #expect(throws: RoutingError.queueTimeout(model: "m")) {
                _ = try await router.route(Self.request(), watch: ClientDisconnectWatch(connection: nil), logger: Logger(label: "test"))
            }
            #expect(await router.registry.node(ids[0])?.node.excluded.isEmpty == true)
        }
    }

    @Test func busyNodesAreSkippedButNotExcluded() async throws {
        try await withNodes([.tooManyRequests, .tooManyRequests]) { router, ids in
            await #expect(throws: RoutingError.upstreamFailed) {
                _ = try await router.route(Self.request(), watch: ClientDisconnectWatch(connection: nil), logger: Logger(label: "test"))
            }
            for id in ids {
                let status = try #require(await router.registry.node(id))
                #expect(status.node.excluded.isEmpty, "a busy node keeps the model")
                #expect(status.inFlight == 0)
            }
        }
    }
}

/// Collects a response body written to it.
private actor BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
