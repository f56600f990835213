import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared

/// A loopback server with one route per kind of answer, and a forwarder pointed at it.
struct TestUpstream {
    static let manyLines = 20_000

    let url: String
    let forwarder: UpstreamForwarder
    /// The connections the server accepted and saw closed.
    let connections: ConnectionCounts
    private let endlessStopped: NIOLockedValueBox<Bool>

    init(url: String, forwarder: UpstreamForwarder, connections: ConnectionCounts, endlessStopped: NIOLockedValueBox<Bool>) {
        self.url = url
        self.forwarder = forwarder
        self.connections = connections
        self.endlessStopped = endlessStopped
    }

    func send(_ path: String, stream: Bool, timeout: TimeAmount = .seconds(5)) async throws -> UpstreamAnswer {
        try await forwarder.post(to: url + path, stream: stream, timeout: timeout)
    }

    /// Whether the endless stream's writes started failing (its client went away) within 2 s.
    func waitUntilEndlessStreamStopped() async -> Bool {
        for _ in 0..<200 {
            if endlessStopped.withLockedValue({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    static func router(endlessStopped: NIOLockedValueBox<Bool>) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"id":1}"#)))
        }
        router.post("chunked") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for part in ["one,", "two,", "three"] { try await writer.write(ByteBuffer(string: part)) }
                    try await writer.finish(nil)
                }
            )
        }
        router.post("large") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: UpstreamAnswer.wholeBodyLimit + 1)))
        }
        router.post("many") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for line in 0..<manyLines { try await writer.write(ByteBuffer(string: "\(line)\n")) }
                    try await writer.finish(nil)
                }
            )
        }
        router.post("endless") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    do {
                        while true {
                            try await writer.write(ByteBuffer(string: "data: tick\n\n"))
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    } catch {
                        endlessStopped.withLockedValue { $0 = true }
                        throw error
                    }
                }
            )
        }
        router.post("pause") { _, _ in
            try await Task.sleep(for: .milliseconds(100))
            return Response(status: .ok, headers: [.contentLength: "0"])
        }
        router.post("stall") { _, _ in
            // The head and a first chunk, then silence.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "data: first\n\n"))
                    try await Task.sleep(for: .seconds(10))
                    try await writer.finish(nil)
                }
            )
        }
        router.post("slow") { _, _ in
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok)
        }
        router.post("short") { _, _ in
            // Says 8 bytes, sends 5, then closes.
            Response(
                status: .ok,
                headers: [.contentLength: "8"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"id""#))
                    throw CancellationError()
                }
            )
        }
        return router
    }
}

/// Runs `body` with a ``TestUpstream`` server and a client on an event loop of its own (so
/// every request uses the same pool), stopping both afterwards.
/// - Parameters:
///   - serverIdleTimeout: When the server closes an idle keep-alive connection (never, if nil).
///   - clientIdleTimeout: How long the client keeps an idle connection.
///   - readTimeout: The client's longest silence inside an answer.
func withUpstream(
    serverIdleTimeout: TimeAmount? = nil,
    clientIdleTimeout: TimeAmount = .seconds(3),
    readTimeout: TimeAmount = .seconds(300),
    _ body: (TestUpstream) async throws -> Void
) async throws {
    let port = NIOLockedValueBox(0)
    let endlessStopped = NIOLockedValueBox(false)
    let connections = ConnectionCounts()
    var quiet = Logger(label: "upstream")
    quiet.logLevel = .critical
    let app = Application(
        router: TestUpstream.router(endlessStopped: endlessStopped),
        server: .http1(configuration: .init(additionalChannelHandlers: [connections.handler()], idleTimeout: serverIdleTimeout)),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port ?? 0 } },
        logger: quiet
    )
    let server = Task { try await app.runService(gracefulShutdownSignals: []) }
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let client = UpstreamClient(group: group, idleTimeout: clientIdleTimeout, readTimeout: readTimeout)
    defer { server.cancel() }
    for _ in 0..<500 where port.withLockedValue({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
    let upstream = TestUpstream(
        url: "http://127.0.0.1:\(port.withLockedValue { $0 })",
        forwarder: UpstreamForwarder(client: client),
        connections: connections,
        endlessStopped: endlessStopped
    )
    do {
        try await body(upstream)
    } catch {
        await client.shutdown()
        try await group.shutdownGracefully()
        throw error
    }
    await client.shutdown()
    try await group.shutdownGracefully()
}

/// Counts the connections a test server accepted and saw closed.
final class ConnectionCounts: Sendable {
    private let counts = NIOLockedValueBox((opened: 0, closed: 0))

    /// Connections accepted so far.
    var opened: Int { counts.withLockedValue(\.opened) }
    /// Connections closed so far.
    var closed: Int { counts.withLockedValue(\.closed) }

    /// A handler for one new connection's pipeline.
    func handler() -> any RemovableChannelHandler { Counter(counts: counts) }

    private final class Counter: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let counts: NIOLockedValueBox<(opened: Int, closed: Int)>

        init(counts: NIOLockedValueBox<(opened: Int, closed: Int)>) {
            self.counts = counts
        }

        func handlerAdded(context: ChannelHandlerContext) {
            counts.withLockedValue { $0.opened += 1 }
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.withLockedValue { $0.closed += 1 }
            context.fireChannelInactive()
        }
    }
}

extension UpstreamForwarder {
    /// Posts `{}` to `url` with no headers.
    func post(to url: String, stream: Bool = false, timeout: TimeAmount = .seconds(5)) async throws -> UpstreamAnswer {
        try await send(
            to: url,
            body: ByteBuffer(string: "{}"),
            headers: [:],
            bearer: nil,
            timeout: timeout,
            stream: stream,
            logger: Logger(label: "test")
        )
    }
}
