import NIOCore
import NIOHTTP1
import NIOSSL

/// One keep-alive HTTP/1.1 connection to an upstream, carrying one exchange at a time; the last
/// handler of its channel's pipeline, after NIO's HTTP/1 client codec.
///
/// A request goes out as head, body and end in one flush (one `writev`). The response is handed
/// to the exchange as it arrives; while the exchange's reader is behind, the connection stops
/// reading from the socket (backpressure reaches the upstream through TCP). After a complete
/// response the connection goes back to its pool, unless either side asked to close it.
/// Everything here runs on the connection's event loop.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let endpoint: UpstreamTarget.Endpoint
    /// When the connection last went back to its pool.
    var idleSince = NIODeadline.now()
    private let pool: UpstreamConnectionPool
    private var context: ChannelHandlerContext?
    /// The exchange the connection is carrying now, if any.
    private var exchange: UpstreamExchange?
    /// Whether the current exchange's response head has arrived.
    private var answered = false
    /// Requests this connection has carried, the current one included (more than one: it came
    /// from the pool, and the upstream may have closed it while it sat idle).
    private var requests = 0
    /// Whether the current response may be followed by another request on this connection.
    private var keepAlive = true
    /// The exchange's reader is behind: socket reads wait (`readPending` remembers one).
    private var readPaused = false
    private var readPending = false

    init(endpoint: UpstreamTarget.Endpoint, pool: UpstreamConnectionPool) {
        self.endpoint = endpoint
        self.pool = pool
    }

    /// Whether the connection can carry a request.
    var isUsable: Bool { context?.channel.isActive ?? false }

    /// Sends `request` for `exchange`; a caller that left meanwhile leaves the connection idle.
    func send(_ request: UpstreamRequest, for exchange: UpstreamExchange) {
        guard let context, context.channel.isActive else {
            exchange.end(with: requests > 0 ? UpstreamError.staleConnection : UpstreamError.connectionClosed)
            return
        }
        guard exchange.begin(on: self) else {
            pool.checkin(self)
            return
        }
        self.exchange = exchange
        (answered, keepAlive) = (false, true)
        requests += 1
        var headers = request.headers
        headers.replaceOrAdd(name: "host", value: endpoint.authority)
        headers.replaceOrAdd(name: "content-length", value: String(request.body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: request.target.path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Lets reading go on once the exchange's reader caught up.
    func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// Drops the current exchange and closes the connection (the only way to stop an HTTP/1.1
    /// request in flight).
    func abort() {
        exchange = nil
        close()
    }

    func close() {
        context?.close(promise: nil)
    }

    // MARK: ChannelHandler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Informational answers (100 Continue) come before the real one.
            guard head.status.code >= 200 else { return }
            guard let exchange else {
                context.close(promise: nil)  // an answer nobody asked for
                return
            }
            (answered, keepAlive) = (true, head.isKeepAlive)
            exchange.received(head)
        case .body(let chunk):
            if exchange?.received(chunk) == false { readPaused = true }
        case .end:
            let exchange = self.exchange
            self.exchange = nil
            resumeReading()
            // Back to the pool before the exchange ends, so the caller's next request can use it.
            if keepAlive && exchange != nil { pool.checkin(self) } else { context.close(promise: nil) }
            exchange?.end(with: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool.remove(self)
        let exchange = self.exchange
        self.exchange = nil
        exchange?.end(with: failure(UpstreamError.connectionClosed))
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Silence inside an answer that started (the wait for its head has its own deadline),
        // unless the reader is what holds it up.
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, answered, !readPaused, let exchange {
            self.exchange = nil
            exchange.end(with: UpstreamError.timedOut)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS peer that closes without close_notify: the connection is closing anyway, and
        // its end (channelInactive, and the decoder's end of an answer delimited by the close)
        // says what it means for the exchange.
        if let error = error as? NIOSSLError, error == .uncleanShutdown { return }
        let exchange = self.exchange
        self.exchange = nil
        exchange?.end(with: failure(error))
        context.close(promise: nil)
    }

    /// How a connection failure ends the current exchange: on a pooled connection before any
    /// answer, as ``UpstreamError/staleConnection`` (sent again); otherwise as it is.
    private func failure(_ error: any Error) -> any Error {
        guard requests > 1, !answered, error is IOError || error is ChannelError || error as? UpstreamError == .connectionClosed else {
            return error
        }
        return UpstreamError.staleConnection
    }

    func read(context: ChannelHandlerContext) {
        if readPaused {
            readPending = true
        } else {
            context.read()
        }
    }
}
