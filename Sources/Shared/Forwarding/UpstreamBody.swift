import NIOCore

/// An upstream response body still arriving, read chunk by chunk. Reading is what asks the
/// upstream for more (backpressure); a reader that stops early (its client left) cancels the
/// upstream request.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private let chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable

    /// Wraps a sequence of chunks.
    init(_ chunks: some AsyncSequence<ByteBuffer, any Error> & Sendable) {
        self.chunks = chunks
    }

    /// A body that is already here, in one chunk.
    public static func bytes(_ buffer: ByteBuffer) -> UpstreamBody {
        UpstreamBody(
            AsyncThrowingStream<ByteBuffer, any Error> {
                $0.yield(buffer)
                $0.finish()
            }
        )
    }

    /// Reads chunks in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<ByteBuffer, any Error>

        /// The next chunk, or `nil` at the end.
        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: chunks.makeAsyncIterator())
    }
}
