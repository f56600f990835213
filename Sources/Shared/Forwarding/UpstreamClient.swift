import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The HTTP/1.1 client of the forwarding path (router to agent, agent to engine), made for a
/// proxy: every event loop keeps its own pool of keep-alive connections per upstream, so a
/// request is sent, answered and relayed on the thread that received it, and leaves in a single
/// write. It is built on SwiftNIO's HTTP/1 codec; everything else (model lists, the hub,
/// downloads) uses AsyncHTTPClient.
///
/// Run it as a service: at shutdown it closes its idle connections and refuses new requests.
public final class UpstreamClient: Service, Sendable {
    /// The event loops requests run on.
    public let group: MultiThreadedEventLoopGroup
    private let pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamConnectionPool>]

    /// Creates a client whose pools live on `group`'s event loops.
    /// - Parameters:
    ///   - group: The event loops (the process's singleton, which the servers use too).
    ///   - connectTimeout: Time allowed to open a connection (a dead node fails fast).
    ///   - idleTimeout: How long an unused connection stays pooled; below llama-server's own
    ///     5 s keep-alive timeout, so a pooled connection is seldom closed under a request.
    ///   - readTimeout: The longest silence allowed inside an answer once its head arrived (the
    ///     wait for the head is each request's own `timeout`).
    ///   - tls: How `https` upstreams are verified (the system's trust roots by default).
    public init(
        group: MultiThreadedEventLoopGroup = .singleton,
        connectTimeout: TimeAmount = .seconds(5),
        idleTimeout: TimeAmount = .seconds(3),
        readTimeout: TimeAmount = .seconds(300),
        tls: TLSConfiguration = .makeClientConfiguration()
    ) {
        self.group = group
        let tlsContext = Result { try NIOSSLContext(configuration: tls) }
        let settings = UpstreamConnectionPool.Settings(
            connectTimeout: connectTimeout,
            idleTimeout: idleTimeout,
            readTimeout: readTimeout,
            tls: tlsContext
        )
        var pools: [ObjectIdentifier: NIOLoopBoundBox<UpstreamConnectionPool>] = [:]
        for eventLoop in group.makeIterator() {
            pools[ObjectIdentifier(eventLoop)] = .makeBoxSendingValue(
                UpstreamConnectionPool(eventLoop: eventLoop, settings: settings),
                eventLoop: eventLoop
            )
        }
        self.pools = pools
    }

    /// Sends `request` for `exchange`, on the exchange's event loop (which must be one of
    /// `group`'s). `fresh` skips pooled connections (a retry after one closed under us).
    func start(_ request: UpstreamRequest, exchange: UpstreamExchange, fresh: Bool) {
        let eventLoop = exchange.eventLoop
        guard let pool = pools[ObjectIdentifier(eventLoop)] else {
            preconditionFailure("an upstream exchange on an event loop outside the client's group")
        }
        if eventLoop.inEventLoop {
            pool.value.send(request, exchange: exchange, fresh: fresh)
        } else {
            eventLoop.execute { pool.value.send(request, exchange: exchange, fresh: fresh) }
        }
    }

    /// Closes idle connections and refuses new requests (requests in flight finish).
    public func shutdown() async {
        for (_, pool) in pools {
            try? await pool.eventLoop.submit { pool.value.shutdown() }.get()
        }
    }

    /// Waits for the service group's graceful shutdown, then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// One request to an upstream: always a `POST` with a body, as the forwarding path sends.
struct UpstreamRequest: Sendable {
    var target: UpstreamTarget
    /// End-to-end headers (`Host` and `Content-Length` are added when it is sent).
    var headers: HTTPHeaders
    var body: ByteBuffer
}
