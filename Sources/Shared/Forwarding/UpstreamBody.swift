import NIOCore

/// An upstream response body still arriving, read chunk by chunk. Reading is what asks the
/// upstream for more (backpressure); a reader that stops early (its client left) cancels the
/// upstream request.
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private let chunks: any AsyncSequence<ByteBuffer, any Error> & Sendable
    private let onCancel: (@Sendable () -> Void)?

    /// Wraps a sequence of chunks; `onCancel` stops what produces them.
    init(_ chunks: some AsyncSequence<ByteBuffer, any Error> & Sendable, onCancel: (@Sendable () -> Void)? = nil) {
        self.chunks = chunks
        self.onCancel = onCancel
    }

    /// Stops the upstream request from any thread (closing its connection): the reader's next
    /// read throws `CancellationError`. For a relay whose client left while it waits for a chunk.
    public func cancel() {
        onCancel?()
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

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: chunks.makeAsyncIterator())
    }
}
