import NIOCore
import NIOHTTP1

/// Lets a request's head and body leave in one write.
///
/// AsyncHTTPClient flushes a request head as soon as it is written and the body with a flush of
/// its own, so every POST costs two writes on the socket: two TCP segments, and on loopback two
/// wake-ups of the receiving server, which reads the head before the body has arrived. This
/// handler sits just before the request encoder and holds back a flush when the last part
/// written is a head whose end has not followed (a body is on its way): the body's own flush
/// then sends both. A head written together with its end is flushed as usual. The head's write
/// therefore completes only with the body's flush; AsyncHTTPClient does not wait for it.
public final class RequestHeadCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = HTTPClientRequestPart
    public typealias OutboundOut = HTTPClientRequestPart

    private var lastWasHead = false

    /// Creates the handler for one connection.
    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head = unwrapOutboundIn(data) { lastWasHead = true } else { lastWasHead = false }
        context.write(data, promise: promise)
    }

    public func flush(context: ChannelHandlerContext) {
        guard !lastWasHead else { return }  // the body's flush carries the head along
        context.flush()
    }

    /// Adds the handler to an AsyncHTTPClient HTTP/1 connection, just before its request
    /// encoder (for ``HTTPClient/Configuration/http1_1ConnectionDebugInitializer``, the client's
    /// hook for adding handlers to each new HTTP/1 connection).
    @Sendable public static func install(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            let encoder = try pipeline.handler(type: HTTPRequestEncoder.self)
            try pipeline.addHandler(RequestHeadCoalescer(), position: .after(encoder))
        }
    }
}
