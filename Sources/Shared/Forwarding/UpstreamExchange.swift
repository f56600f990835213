import NIOCore
import NIOHTTP1

/// One request in flight to an upstream, between the caller awaiting its answer and the
/// ``UpstreamConnection`` carrying it: it answers ``UpstreamAnswer`` once the response head has
/// arrived (with the whole body, for a small answer read whole), then feeds a streamed body to
/// its reader with backpressure.
///
/// Its state is only touched on `eventLoop` (the connection's), which is what makes it
/// `Sendable`: every method that touches it asserts that loop (in debug builds), and the
/// caller's cancellation, the reader's demand and the reader going away hop onto it.
final class UpstreamExchange: NIOAsyncSequenceProducerDelegate, @unchecked Sendable {
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamExchange
    >

    private enum State {
        /// Waiting for the response head.
        case waiting
        /// Reading a small body whole before answering.
        case collecting(HTTPResponseHead, ByteBuffer, length: Int)
        /// The answer went out; the body streams to its reader.
        case streaming(Producer.Source)
        /// Answered and done (or failed).
        case finished
    }

    let eventLoop: any EventLoop
    private let readWhole: Bool
    /// When the answer must have come.
    private let deadline: NIODeadline
    private let answer: EventLoopPromise<UpstreamAnswer>
    private var state = State.waiting
    /// The connection carrying the request, once it was sent.
    private var connection: UpstreamConnection?
    /// Fails the exchange at `deadline`, once started.
    private var deadlineTimer: Scheduled<Void>?

    /// The answer, once the head (and a whole body) arrived.
    var futureAnswer: EventLoopFuture<UpstreamAnswer> { answer.futureResult }

    /// Creates an exchange on `eventLoop` that fails with ``UpstreamError/timedOut`` when the
    /// answer has not come by `deadline` (a stream that follows is not limited).
    init(eventLoop: any EventLoop, readWhole: Bool, deadline: NIODeadline) {
        self.eventLoop = eventLoop
        self.readWhole = readWhole
        self.deadline = deadline
        self.answer = eventLoop.makePromise()
    }

    /// Starts the clock (connecting counts), unless the exchange already ended.
    func startDeadline() {
        eventLoop.assertInEventLoop()
        guard case .waiting = state else { return }
        deadlineTimer = eventLoop.scheduleTask(deadline: deadline) { self.abort(with: UpstreamError.timedOut) }
    }

    /// Ties the exchange to the connection that sends it; false when it already ended (the
    /// caller left while a connection was found).
    func begin(on connection: UpstreamConnection) -> Bool {
        eventLoop.assertInEventLoop()
        guard case .waiting = state else { return false }
        self.connection = connection
        return true
    }

    /// Cancels the request (a caller that stopped waiting for the answer), from any thread.
    func cancel() {
        onEventLoop { self.abort(with: CancellationError()) }
    }

    /// Cancels the exchange only while its answer has not gone out (a gate giving up a lost
    /// upstream leaves a stream that already began to its own end).
    func cancelIfUnanswered() {
        onEventLoop {
            switch self.state {
            case .waiting, .collecting: self.abort(with: CancellationError())
            case .streaming, .finished: break
            }
        }
    }

    func received(_ head: HTTPResponseHead) {
        eventLoop.assertInEventLoop()
        guard case .waiting = state else { return }
        if readWhole, let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length <= UpstreamAnswer.wholeBodyLimit
        {
            state = .collecting(head, ByteBuffer(), length: length)
            return
        }
        let producer = Producer.makeSequence(
            elementType: ByteBuffer.self,
            failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: 4),
            finishOnDeinit: false,
            delegate: self
        )
        state = .streaming(producer.source)
        deadlineTimer?.cancel()
        answer.succeed(
            UpstreamAnswer(status: head.status, headers: head.headers, body: .streaming(UpstreamBody(producer.sequence, onCancel: cancel)))
        )
    }

    /// Takes a chunk of the body; false when the reader is behind (stop reading until
    /// ``produceMore()``).
    func received(_ chunk: ByteBuffer) -> Bool {
        eventLoop.assertInEventLoop()
        switch state {
        case .collecting(let head, var body, let length):
            state = .finished  // no copy of `body` while it grows
            body.writeImmutableBuffer(chunk)
            state = .collecting(head, body, length: length)
            return true
        case .streaming(let source):
            return source.yield(chunk) != .stopProducing
        case .waiting, .finished:
            return true
        }
    }

    /// Ends the exchange: answers (or fails) a caller still waiting, or ends the stream.
    func end(with error: (any Error)?) {
        eventLoop.assertInEventLoop()
        let previous = state
        state = .finished
        connection = nil
        deadlineTimer?.cancel()
        deadlineTimer = nil
        switch previous {
        case .waiting:
            answer.fail(error ?? UpstreamError.connectionClosed)
        case .collecting(let head, let body, let length):
            // The head came, so a failure now is the upstream's (nothing is sent again).
            if let error, error is CancellationError || error as? UpstreamError == .timedOut {
                answer.fail(error)  // the caller left, or out of time: not the upstream's breakage
            } else if error != nil || body.readableBytes != length {
                answer.fail(UpstreamError.bodyBrokeOff)
            } else {
                answer.succeed(UpstreamAnswer(status: head.status, headers: head.headers, body: .whole(body)))
            }
        case .streaming(let source):
            if let error { source.finish(error) } else { source.finish() }
        case .finished:
            break
        }
    }

    /// Stops the request where it is (closing its connection) and ends with `error`.
    private func abort(with error: any Error) {
        eventLoop.assertInEventLoop()
        if case .finished = state { return }
        connection?.abort()
        end(with: error)
    }

    private func onEventLoop(_ work: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { work() } else { eventLoop.execute(work) }
    }

    // MARK: The reader's side (any thread).

    func produceMore() {
        onEventLoop {
            guard case .streaming = self.state else { return }
            self.connection?.resumeReading()
        }
    }

    func didTerminate() {
        // The reader stopped (its client left, or it read to the end).
        onEventLoop { self.abort(with: CancellationError()) }
    }
}
