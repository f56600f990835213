import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One event loop's keep-alive connections to upstreams, touched only on that loop (no locks):
/// idle connections per endpoint, the most recently used first, closed after `idleTimeout`.
final class UpstreamConnectionPool {
    /// How connections are opened and kept.
    struct Settings: Sendable {
        var connectTimeout: TimeAmount
        var idleTimeout: TimeAmount
        /// The longest silence allowed inside an answer once its head arrived.
        var readTimeout: TimeAmount
        /// The TLS context for `https` upstreams, or why there is none.
        var tls: Result<NIOSSLContext, any Error>
    }

    /// Idle connections kept per endpoint on one loop; more are closed when they come back.
    static let maxIdlePerEndpoint = 128

    let eventLoop: any EventLoop
    private let settings: Settings
    private var idle: [UpstreamTarget.Endpoint: [UpstreamConnection]] = [:]
    private var sweep: Scheduled<Void>?
    private var isShutDown = false

    init(eventLoop: any EventLoop, settings: Settings) {
        self.eventLoop = eventLoop
        self.settings = settings
    }

    /// Sends `request` on an idle connection to its endpoint (unless `fresh`), or on a new one.
    func send(_ request: UpstreamRequest, exchange: UpstreamExchange, fresh: Bool) {
        guard !isShutDown else {
            exchange.end(with: UpstreamError.shutDown)
            return
        }
        exchange.startDeadline()
        let endpoint = request.target.endpoint
        if !fresh, let connection = takeIdle(endpoint) {
            connection.send(request, for: exchange)
            return
        }
        connect(endpoint) { result in
            switch result {
            case .success(let connection): connection.send(request, for: exchange)
            case .failure(let error): exchange.end(with: error)
            }
        }
    }

    /// Takes the most recently used live connection to `endpoint` (closing any that sat idle
    /// too long).
    private func takeIdle(_ endpoint: UpstreamTarget.Endpoint) -> UpstreamConnection? {
        let cutoff = NIODeadline.now() - settings.idleTimeout
        while let connection = idle[endpoint]?.popLast() {
            if connection.isUsable && connection.idleSince > cutoff { return connection }
            connection.close()
        }
        return nil
    }

    /// Takes back a connection whose exchange ended cleanly.
    func checkin(_ connection: UpstreamConnection) {
        guard !isShutDown, idle[connection.endpoint, default: []].count < Self.maxIdlePerEndpoint else {
            connection.close()
            return
        }
        connection.idleSince = .now()
        idle[connection.endpoint, default: []].append(connection)
        if sweep == nil { startSweeping() }
    }

    /// Forgets a connection that closed.
    func remove(_ connection: UpstreamConnection) {
        guard var connections = idle[connection.endpoint], let index = connections.firstIndex(where: { $0 === connection }) else {
            return
        }
        connections.remove(at: index)
        idle[connection.endpoint] = connections.isEmpty ? nil : connections
    }

    /// Closes every idle connection and refuses further requests.
    func shutdown() {
        isShutDown = true
        sweep?.cancel()
        sweep = nil
        let connections = idle.values.joined()
        idle = [:]
        for connection in connections { connection.close() }
    }

    /// Closes connections idle longer than `idleTimeout`, a few times per timeout (cheaper than
    /// a timer per connection on every request); stops when nothing is idle.
    private func startSweeping() {
        let every = TimeAmount.nanoseconds(max(settings.idleTimeout.nanoseconds / 4, 1_000_000))
        sweep = eventLoop.assumeIsolated().scheduleTask(in: every) { [weak self] in
            guard let self else { return }
            self.sweep = nil
            let cutoff = NIODeadline.now() - self.settings.idleTimeout
            for (endpoint, connections) in self.idle {
                let (stale, fresh) = (connections.filter { $0.idleSince <= cutoff }, connections.filter { $0.idleSince > cutoff })
                self.idle[endpoint] = fresh.isEmpty ? nil : fresh
                for connection in stale { connection.close() }
            }
            if !self.idle.isEmpty { self.startSweeping() }
        }
    }

    /// Opens a connection to `endpoint` on this loop, then calls `opened` (on this loop).
    private func connect(_ endpoint: UpstreamTarget.Endpoint, then opened: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        let tls: NIOSSLContext?
        do {
            tls = endpoint.tls ? try settings.tls.get() : nil
        } catch {
            opened(.failure(error))
            return
        }
        let connection = NIOLoopBound(UpstreamConnection(endpoint: endpoint, pool: self), eventLoop: eventLoop)
        let readTimeout = settings.readTimeout
        ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        // SNI and name checks need a name; an address is checked against the
                        // certificate's IP entries instead.
                        let isAddress = (try? SocketAddress(ipAddress: endpoint.host, port: 0)) != nil
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : endpoint.host))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try pipeline.addHandler(connection.value)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .assumeIsolated()
            .whenComplete { result in opened(result.map { _ in connection.value }) }
    }
}
