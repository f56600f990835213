import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One request in flight to an upstream, seen through AsyncHTTPClient's delegate interface: it
/// answers ``UpstreamAnswer`` once the response head has arrived (with the whole body, for a
/// small answer read whole), then feeds a streamed body to its reader with backpressure.
///
/// AsyncHTTPClient calls every delegate method on `eventLoop` (the caller's, when it runs on
/// one), so the state below is only touched there; the reader's demand and its going away hop
/// onto it. Compared with the client's async interface this costs no task, actor or async
/// sequence per request for answers read whole, and the request leaves in one write (head and
/// body together).
final class UpstreamExchange: HTTPClientResponseDelegate, NIOAsyncSequenceProducerDelegate, @unchecked Sendable {
    typealias Response = Void
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamExchange
    >

    private enum State {
        /// Waiting for the response head.
        case waiting
        /// Reading a small body whole before answering.
        case collecting(HTTPResponseHead, ByteBuffer, length: Int)
        /// The answer went out; the body streams to its reader.
        case streaming(Producer.Source, demand: EventLoopPromise<Void>?)
        /// Answered and done (or failed).
        case finished
    }

    let eventLoop: any EventLoop
    private let readWhole: Bool
    private let answer: EventLoopPromise<UpstreamAnswer>
    private var state = State.waiting
    /// The request, once started (to cancel it when the reader goes away).
    private let started = NIOLockedValueBox<(task: HTTPClient.Task<Void>?, cancelled: Bool)>((nil, false))

    /// The answer, once the head (and a whole body) arrived.
    var futureAnswer: EventLoopFuture<UpstreamAnswer> { answer.futureResult }

    init(eventLoop: any EventLoop, readWhole: Bool) {
        self.eventLoop = eventLoop
        self.readWhole = readWhole
        self.answer = eventLoop.makePromise()
    }

    /// Records the request this exchange belongs to (so it can be cancelled). A request that
    /// fails without calling the delegate (a client already shutting down) still ends the
    /// exchange, so the caller is never left waiting.
    func attach(_ task: HTTPClient.Task<Void>) {
        task.futureResult.whenFailure { error in
            self.eventLoop.execute { self.end(with: error) }
        }
        let cancelled = started.withLockedValue { started in
            started.task = task
            return started.cancelled
        }
        if cancelled { task.cancel() }
    }

    /// Cancels the request (a caller that stopped waiting for the answer).
    func cancel() {
        started.withLockedValue { started in
            started.cancelled = true
            return started.task
        }?.cancel()
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard case .waiting = state else { return eventLoop.makeSucceededVoidFuture() }
        if readWhole, let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length <= UpstreamAnswer.wholeBodyLimit
        {
            state = .collecting(head, ByteBuffer(), length: length)
            return eventLoop.makeSucceededVoidFuture()
        }
        let producer = Producer.makeSequence(
            elementType: ByteBuffer.self,
            failureType: (any Error).self,
            backPressureStrategy: .init(lowWatermark: 1, highWatermark: 4),
            finishOnDeinit: false,
            delegate: self
        )
        state = .streaming(producer.source, demand: nil)
        answer.succeed(UpstreamAnswer(status: head.status, headers: head.headers, body: .streaming(UpstreamBody(producer.sequence))))
        return eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        switch state {
        case .collecting(let head, var body, let length):
            state = .finished  // no copy of `body` while it grows
            body.writeImmutableBuffer(buffer)
            state = .collecting(head, body, length: length)
            return eventLoop.makeSucceededVoidFuture()
        case .streaming(let source, _):
            guard source.yield(buffer) == .stopProducing else { return eventLoop.makeSucceededVoidFuture() }
            let demand = eventLoop.makePromise(of: Void.self)
            state = .streaming(source, demand: demand)
            return demand.futureResult
        case .waiting, .finished:
            return eventLoop.makeSucceededVoidFuture()
        }
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        end(with: error)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        end(with: nil)
    }

    /// Ends the exchange: answers (or fails) a caller still waiting, or ends the stream.
    private func end(with error: (any Error)?) {
        let previous = state
        state = .finished
        started.withLockedValue { $0.task = nil }  // the task holds this delegate: no cycle left behind
        switch previous {
        case .waiting:
            answer.fail(error ?? HTTPClientError.remoteConnectionClosed)
        case .collecting(let head, let body, let length):
            // Not "closed before answering": the head came, so the request is not sent again.
            if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .cancelled {
                answer.fail(error)  // out of time, or the caller left: not the upstream's breakage
            } else if error != nil || body.readableBytes != length {
                answer.fail(BodyBrokeOff())
            } else {
                answer.succeed(UpstreamAnswer(status: head.status, headers: head.headers, body: .whole(body)))
            }
        case .streaming(let source, let demand):
            if let error { source.finish(error) } else { source.finish() }
            demand?.succeed()
        case .finished:
            break
        }
    }

    // MARK: The reader's side (any thread).

    func produceMore() {
        eventLoop.execute {
            guard case .streaming(let source, let demand?) = self.state else { return }
            self.state = .streaming(source, demand: nil)
            demand.succeed()
        }
    }

    func didTerminate() {
        eventLoop.execute {
            // The reader stopped early (its client left): stop the request.
            if case .streaming = self.state { self.cancel() }
            self.end(with: CancellationError())
        }
    }
}

extension UpstreamExchange {
    /// An answer being read whole ended before its `Content-Length`.
    struct BodyBrokeOff: Error {}
}
