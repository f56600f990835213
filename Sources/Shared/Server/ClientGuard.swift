import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Holds one server connection to ``ServerLimits``: a complete request head within
/// `headTimeout` of the connection's opening or of its last answer (idle keep-alive connections
/// and clients sending a byte at a time are closed alike), a body within `bodyTimeout` of its
/// head, and at most `maxConnections` connections per server: one more is answered 503
/// `too_many_connections` and closed. A request head the HTTP parser refuses (too large, too
/// many fields, malformed) is answered 431 or 400 in the error envelope, not with a silent close.
///
/// Requests may be pipelined and an answer may come before its request's body was read (a 401
/// to a POST): the guard counts requests read and answers written, and the connection is idle
/// (the head deadline runs) only when every request read was answered and no body is arriving.
/// It sits in each connection's pipeline after the HTTP/1 codec; all state is the connection's
/// event loop's.
final class ClientGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a refused connection may take to send the request its 503 answers, and how
    /// long a connection answered by the guard is kept half-open for the client to read it.
    static let refusalTimeout = TimeAmount.seconds(2)

    private let limits: ServerLimits
    private let connections: Admission
    private let logger: Logger
    private let deadline: ConnectionDeadline
    /// Nil until the connection is admitted or refused.
    private var admitted: Bool?
    /// A request body is arriving (its head was read, its end not yet).
    private var readingBody = false
    /// Requests whose head was read and whose answer has not ended.
    private var unanswered = 0
    /// An answer of our own is on its way; everything else is ignored until the close.
    private var closing = false

    init(limits: ServerLimits, connections: Admission, logger: Logger) {
        self.limits = limits
        self.connections = connections
        self.logger = logger
        self.deadline = ConnectionDeadline(logger: logger)
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
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            guard admitted == true else { return refuse(context, with: .tooManyConnections(limit: connections.limit)) }
            unanswered += 1
            readingBody = true
            deadline.arm(context, after: limits.bodyTimeout, missed: "its request body was not complete")
        case .body:
            break
        case .end:
            readingBody = false
            settle(context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), !closing, unanswered > 0 {
            unanswered -= 1
            settle(context)
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Bytes the client still sends after our answer (the rest of an oversized head) fail
        // the parser again: ignored until the close.
        if closing { return }
        // Our own answer only between requests: never into the middle of another answer.
        guard let parserError = error as? HTTPParserError, !closing, unanswered == 0, admitted == true else {
            context.fireErrorCaught(error)
            return
        }
        refuse(context, with: parserError == .headerOverflow ? .headerTooLarge(limits) : .malformedRequest())
    }

    /// The deadline after a request or an answer ended: the body's while one arrives (already
    /// running), none while answers are owed, the next head's when the connection is idle.
    private func settle(_ context: ChannelHandlerContext) {
        guard !readingBody else { return }
        if unanswered > 0 {
            deadline.disarm()
        } else {
            deadline.arm(context, after: limits.headTimeout, missed: "no complete request head arrived")
        }
    }

    /// Admits the connection (once) and starts its head deadline.
    private func start(_ context: ChannelHandlerContext) {
        guard admitted == nil else { return }
        admitted = connections.tryAdmit()
        if admitted == true {
            deadline.arm(context, after: limits.headTimeout, missed: "no complete request head arrived")
        } else {
            if connections.shouldReportRefusal() {
                logger.warning("refusing connections: \(connections.limit) are open (--max-connections)")
            }
            deadline.arm(context, after: min(limits.headTimeout, Self.refusalTimeout), missed: "a refused client sent no request")
        }
    }

    private func stop() {
        deadline.cancel()
        if admitted == true {
            admitted = false
            connections.release()
        }
    }

    /// Answers `error` without involving the application, then closes the connection: first
    /// its sending side, so the client reads the answer (a full close with its bytes unread
    /// would reset the connection and lose the answer), then the rest after a short linger.
    private func refuse(_ context: ChannelHandlerContext, with error: OpenAIError) {
        closing = true
        deadline.arm(context, after: Self.refusalTimeout, missed: "the client did not close after its refusal")
        var fields = error.headers
        fields[.contentType] = "application/json"
        fields[.connection] = "close"
        let body = ByteBuffer(bytes: error.jsonData)
        fields[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
    }
}
