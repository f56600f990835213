import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Holds one server connection to ``ServerLimits``: a complete request head within
/// `headTimeout` of the connection's opening or its previous answer (idle keep-alive
/// connections and clients sending a byte at a time are closed alike), a body within
/// `bodyTimeout`, and at most `maxConnections` connections per server: one more is answered
/// 503 `too_many_connections` and closed. A request head the HTTP parser refuses (too large,
/// too many fields, malformed) is answered 431 or 400 in the error envelope, not with a silent
/// close.
///
/// It sits in each connection's pipeline after the HTTP/1 codec; all state is the connection's
/// event loop's.
final class ClientGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        /// No request is being read; the head deadline runs.
        case awaitingHead
        /// A request's body is arriving; the body deadline runs.
        case readingBody
        /// The request has been read; the server takes its time to answer.
        case answering
        /// Over the connection limit: the first request is answered 503.
        case refused
        /// An answer of our own is on its way; the connection closes after it.
        case closing
    }

    private let limits: ServerLimits
    private let connections: OpenConnections
    private let logger: Logger
    private var state = State.awaitingHead
    private var admitted = false
    private var started = false
    private var deadline: Scheduled<Void>?

    init(limits: ServerLimits, connections: OpenConnections, logger: Logger) {
        self.limits = limits
        self.connections = connections
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (_, .closing):
            return
        case (.head, .refused):
            refuse(context, with: .tooManyConnections(limit: connections.limit))
            return
        case (.head, _):
            state = .readingBody
            arm(context, after: limits.bodyTimeout, reason: "its request body was not complete")
        case (.end, .readingBody):
            state = .answering
            disarm()
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), case .answering = state {
            state = .awaitingHead
            arm(context, after: limits.headTimeout, reason: "no complete request head arrived")
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, case .awaitingHead = state else {
            context.fireErrorCaught(error)
            return
        }
        refuse(context, with: parserError == .headerOverflow ? .headerTooLarge(limits) : .malformedRequest())
    }

    /// Admits the connection (once) and starts its head deadline.
    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        admitted = connections.admit()
        if !admitted {
            state = .refused
            if connections.shouldReportRefusal() {
                logger.warning("refusing connections: \(connections.limit) are open (--max-connections)")
            }
        }
        arm(context, after: limits.headTimeout, reason: "no complete request head arrived")
    }

    private func stop() {
        disarm()
        if admitted {
            admitted = false
            connections.release()
        }
    }

    /// Answers `error` without involving the application, then closes the connection.
    private func refuse(_ context: ChannelHandlerContext, with error: OpenAIError) {
        state = .closing
        disarm()
        var fields = error.headers
        fields[.contentType] = "application/json"
        fields[.connection] = "close"
        let body = ByteBuffer(bytes: error.jsonData)
        fields[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func arm(_ context: ChannelHandlerContext, after timeout: TimeAmount, reason: String) {
        disarm()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [logger] in
            logger.debug("connection closed: \(reason) within \(timeout.nanoseconds / 1_000_000_000) s")
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
