import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A raw HTTP/1.1 upstream that answers any request with an endless chunked stream, writing
/// only while its socket takes more (NIO's writability), and counting the bytes it wrote: what
/// the reader's side holds is at most that count less what the reader consumed. Unlike a
/// Hummingbird route, nothing in it buffers, so the count shows the forwarder's backpressure.
struct FloodingUpstream {
    let channel: any Channel
    let written: NIOLockedValueBox<Int>

    var url: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    static func start(on group: any EventLoopGroup) async throws -> FloodingUpstream {
        let written = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Flood(written: written)) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FloodingUpstream(channel: channel, written: written)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Flood: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let written: NIOLockedValueBox<Int>
        var started = false
        let frame: ByteBuffer = {
            let payload = String(repeating: "x", count: 64 << 10)
            return ByteBuffer(string: String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n")
        }()

        init(written: NIOLockedValueBox<Int>) {
            self.written = written
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !started else { return }
            started = true
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            context.write(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
            flood(context: context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if started { flood(context: context) }
            context.fireChannelWritabilityChanged()
        }

        /// Writes frames until the channel's outbound buffer is full.
        private func flood(context: ChannelHandlerContext) {
            while context.channel.isWritable && context.channel.isActive {
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
                written.withLockedValue { $0 += frame.readableBytes }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
