import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import Shared

/// The forwarding client's connections, against a real server on loopback: kept and reused,
/// replaced when the upstream closed them, closed after their idle time, refused after shutdown.
@Suite struct UpstreamClientTests {
    @Test("sequential requests reuse one pooled connection")
    func sequentialRequestsReuseConnections() async throws {
        try await withUpstream { upstream in
            for _ in 0..<20 {
                let answer = try await upstream.send("/json", stream: false)
                #expect(answer.status == .ok)
            }
            #expect(upstream.connections.opened == 1)
        }
    }

    @Test("concurrent requests each get a connection, and all come back to the pool")
    func concurrentRequests() async throws {
        try await withUpstream { upstream in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try await upstream.send("/pause", stream: false) }
                }
                try await group.waitForAll()
            }
            let opened = upstream.connections.opened
            #expect((2...8).contains(opened))
            for _ in 0..<20 { _ = try await upstream.send("/json", stream: false) }
            #expect(upstream.connections.opened == opened, "later requests reuse pooled connections")
        }
    }

    @Test("a pooled connection the upstream closed is replaced without failing the request")
    func aConnectionClosedByTheUpstreamIsReplaced() async throws {
        try await withUpstream(serverIdleTimeout: .milliseconds(100)) { upstream in
            _ = try await upstream.send("/json", stream: false)
            for _ in 0..<300 where upstream.connections.closed == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try #require(upstream.connections.closed == 1, "the server closed the idle connection")
            let answer = try await upstream.send("/json", stream: false)
            #expect(answer.status == .ok)
            #expect(upstream.connections.opened == 2)
        }
    }

    @Test("a pooled connection that fails before answering is replaced and the request sent once more")
    func aStaleConnectionIsRetried() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let accepted = NIOLockedValueBox(0)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnswerOnce())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = UpstreamClient(group: group)
        let url = "http://127.0.0.1:\(server.localAddress?.port ?? 0)/v1/chat/completions"
        // Each request after the first finds its pooled connection closed under it.
        for _ in 0..<3 {
            #expect(try await UpstreamForwarder(client: client).post(to: url).status == .ok)
        }
        #expect(accepted.withLockedValue { $0 } == 3)
        await client.shutdown()
        try await server.close()
        try await group.shutdownGracefully()
    }

    @Test func silenceInsideAnAnswerEndsItAfterTheReadTimeout() async throws {
        try await withUpstream(readTimeout: .milliseconds(200)) { upstream in
            let answer = try await upstream.send("/stall", stream: true)
            guard case .streaming(let body) = answer.body else {
                Issue.record("expected a stream")
                return
            }
            await #expect(throws: UpstreamError.timedOut) {
                for try await _ in body {}
            }
        }
    }

    @Test func idleConnectionsAreClosedAfterTheIdleTimeout() async throws {
        try await withUpstream(clientIdleTimeout: .milliseconds(200)) { upstream in
            _ = try await upstream.send("/json", stream: false)
            for _ in 0..<100 where upstream.connections.closed == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(upstream.connections.closed == 1)
        }
    }

    @Test func anUpstreamThatIsNotListeningFailsAtOnce() async throws {
        let client = UpstreamClient()
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            _ = try await UpstreamForwarder(client: client).post(to: "http://127.0.0.1:9/v1/chat/completions", timeout: .seconds(30))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        await client.shutdown()
    }

    @Test(arguments: [
        ("http://10.0.0.5:8801/v1/chat/completions", "10.0.0.5", 8801, false, "/v1/chat/completions"),
        ("https://gpu-1.example/v1/embeddings?x=1", "gpu-1.example", 443, true, "/v1/embeddings?x=1"),
        ("http://[::1]:9000", "::1", 9000, false, "/"),
        ("http://node", "node", 80, false, "/"),
        ("HTTP://Node:81/x", "Node", 81, false, "/x"),
        ("http://node?x=1", "node", 80, false, "/?x=1"),
        ("http://node:9/a#part", "node", 9, false, "/a"),
    ])
    func targets(url: String, host: String, port: Int, tls: Bool, path: String) throws {
        let target = try #require(UpstreamTarget(url: url))
        #expect(target.endpoint.host == host)
        #expect(target.endpoint.port == port)
        #expect(target.endpoint.tls == tls)
        #expect(target.path == path)
    }

    @Test(arguments: ["ftp://node/x", "http://", "http://user:secret@node/", "http://node:0/", "http://node:port/", "http://[::1/", "node:80"])
    func invalidTargets(url: String) {
        #expect(UpstreamTarget(url: url) == nil)
    }
}

/// Answers a connection's first request and closes the connection on its second without an
/// answer, like an upstream that gave up an idle keep-alive connection as a request came.
private final class AnswerOnce: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var requests = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        requests += 1
        guard requests == 1 else {
            context.close(promise: nil)
            return
        }
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "2"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
