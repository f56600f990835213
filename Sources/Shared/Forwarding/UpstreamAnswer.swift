import NIOCore
import NIOHTTP1

/// An upstream's answer once its head has arrived.
///
/// A small answer the client did not ask to stream is read whole before it is relayed: it then
/// goes to the client in a single write with a `Content-Length` (a proxy that writes head, body
/// and end separately costs every hop behind it extra wake-ups), and an upstream that breaks
/// while sending it fails before the client has seen a byte, so the request can still go to
/// another node.
public struct UpstreamAnswer: Sendable {
    public enum Body: Sendable {
        /// Read whole.
        case whole(ByteBuffer)
        /// Still arriving; relayed chunk by chunk.
        case streaming(UpstreamBody)
    }

    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    /// The body, whole or still arriving.
    public var body: Body

    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Answers up to this size are read whole when not streamed (larger ones, and answers
    /// without a `Content-Length`, are relayed as they arrive).
    public static let wholeBodyLimit = 1 << 20

    /// The body read whole, for an error answer to be retold (its first 64 KiB; the rest is
    /// dropped and the stream cancelled).
    public func collect() async -> ByteBuffer {
        switch body {
        case .whole(let body):
            return body
        case .streaming(let body):
            var collected = ByteBuffer()
            do {
                for try await chunk in body {
                    collected.writeImmutableBuffer(chunk)
                    if collected.readableBytes >= 1 << 16 {
                        body.cancel()
                        break
                    }
                }
            } catch {
                body.cancel()
            }
            return collected
        }
    }

    /// Reads and drops what is left of the body (so the connection can be reused), giving up
    /// on bodies over 1 MiB.
    public func discard() async {
        guard case .streaming(let body) = body else { return }
        var left = 1 << 20
        do {
            for try await chunk in body {
                left -= chunk.readableBytes
                if left < 0 { return }
            }
        } catch {}
    }
}
