import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Forwards one OpenAI request to an upstream (an agent, or an engine) and relays its answer.
///
/// Used by both hops: the router forwards to agents, the agent forwards to its engine. Bodies are
/// relayed chunk by chunk with backpressure (nothing is buffered), a client that goes away during a
/// stream cancels the upstream request, and a stream that breaks after it started ends with a
/// final SSE error event instead of being cut silently.
public struct UpstreamForwarder: Sendable {
    /// The process's forwarding client.
    public let client: UpstreamClient

    /// Creates a forwarder over a shared client.
    public init(client: UpstreamClient) {
        self.client = client
    }

    /// Sends a POST and returns once the upstream's response head has arrived (with the whole
    /// body, for a small answer that is not streamed: see ``UpstreamAnswer``).
    ///
    /// A pooled keep-alive connection that fails before anything was answered (the upstream had
    /// just closed it: llama-server closes idle ones after 5 s) is not the upstream's failure:
    /// the request is sent once more on a new connection, within the same `timeout`.
    /// - Parameters:
    ///   - url: The absolute upstream URL.
    ///   - body: The request body, sent unchanged (replayable for retries).
    ///   - headers: End-to-end headers from the incoming request (already filtered).
    ///   - bearer: A token to present upstream as `Authorization: Bearer`.
    ///   - timeout: Time allowed until the response head (connect, queue and prefill included).
    ///   - stream: Whether the client asked for SSE (the body is then never read whole).
    ///   - logger: The request's logger.
    ///   - watch: The client's disconnect watch, when the client leaving should cancel the
    ///     request (it does not cancel the calling task).
    ///   - gate: The upstream's gate, when declaring it lost should give up the request while
    ///     its answer has not come (it then fails with `CancellationError`).
    /// - Returns: The upstream's answer.
    /// - Throws: ``UpstreamError`` (`timedOut` after `timeout`) or NIO's connection error when
    ///   nothing usable was received, `CancellationError` when the calling task was cancelled
    ///   or the client left.
    public func send(
        to url: String,
        body: ByteBuffer,
        headers: HTTPHeaders,
        bearer: String?,
        timeout: TimeAmount,
        stream: Bool,
        logger: Logger,
        watch: ClientDisconnectWatch? = nil,
        gate: UpstreamGate? = nil
    ) async throws -> UpstreamAnswer {
        guard let target = UpstreamTarget(url: url) else { throw UpstreamError.invalidURL }
        var headers = headers
        if !headers.contains(name: "content-type") {
            headers.add(name: "content-type", value: "application/json")
        }
        if let bearer {
            headers.replaceOrAdd(name: "authorization", value: "Bearer \(bearer)")
        }
        let request = UpstreamRequest(target: target, headers: headers, body: body)
        let deadline = NIODeadline.now() + timeout  // one limit for both tries
        do {
            return try await exchange(request, deadline: deadline, stream: stream, fresh: false, watch: watch, gate: gate)
        } catch UpstreamError.staleConnection {
            logger.debug("a pooled connection to the upstream was closed before it answered; sending again")
            return try await exchange(request, deadline: deadline, stream: stream, fresh: true, watch: watch, gate: gate)
        }
    }

    /// Sends `request` on the calling task's event loop (its pool's connection) and waits for
    /// the answer. Cancelling the calling task, or the client leaving, cancels the request.
    private func exchange(
        _ request: UpstreamRequest,
        deadline: NIODeadline,
        stream: Bool,
        fresh: Bool,
        watch: ClientDisconnectWatch?,
        gate: UpstreamGate?
    ) async throws -> UpstreamAnswer {
        let exchange = UpstreamExchange(eventLoop: client.group.any(), readWhole: !stream, deadline: deadline)
        let ticket = gate?.join(exchange.cancelIfUnanswered)
        defer { if let ticket { gate?.leave(ticket) } }
        let send = {
            try await withTaskCancellationHandler {
                client.start(request, exchange: exchange, fresh: fresh)
                return try await exchange.futureAnswer.get()
            } onCancel: {
                exchange.cancel()
            }
        }
        guard let watch else { return try await send() }
        return try await watch.whileWatching(onClose: exchange.cancel, send)
    }

    /// Builds the response that relays an upstream answer to the client.
    /// - Parameters:
    ///   - answer: The upstream's answer.
    ///   - watch: The client's disconnect watch: a client that leaves while the body is relayed
    ///     cancels the upstream request.
    ///   - stream: Whether the client asked for SSE.
    ///   - extraHeaders: Headers to add (request ID, timing).
    ///   - logger: The request's logger.
    ///   - failure: What a stream that breaks after it started does: end with a final SSE error
    ///     event (the client-facing hop), or drop the connection so the next hop sees the
    ///     failure (an agent behind a router).
    ///   - onFinish: Called once when relaying ends, however it ends (also when the body never
    ///     runs because the client left first), with the answer's token counts when its end
    ///     carried them.
    /// - Returns: A response whose body is copied from upstream as it arrives.
    public func relay(
        _ answer: UpstreamAnswer,
        watch: ClientDisconnectWatch,
        stream: Bool,
        extraHeaders: HTTPFields = [:],
        logger: Logger,
        failure: StreamFailure = .errorEvent(.openAI),
        onFinish: @escaping @Sendable (RelayOutcome, TokenUsage?) async -> Void = { _, _ in }
    ) async -> Response {
        var headers = HopByHopHeaders.forwardable(answer.headers)
        headers.append(contentsOf: extraHeaders)
        let status = HTTPResponse.Status(code: Int(answer.status.code))
        let upstreamBody: UpstreamBody
        switch answer.body {
        case .whole(let body):
            await onFinish(watch.isClosed ? .clientDisconnected : .completed, TokenUsage.find(in: body))
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
        case .streaming(let body):
            upstreamBody = body
        }
        let completion = RelayCompletion(onFinish)
        let body = ResponseBody { writer in
            let outcome: RelayOutcome
            // The last two chunks, where the token counts are (no copy: buffers are shared).
            var tail = (ByteBuffer(), ByteBuffer())
            do {
                try await watch.whileWatching(onClose: upstreamBody.cancel) {
                    for try await chunk in upstreamBody {
                        try await writer.write(chunk)
                        tail = (tail.1, chunk)
                    }
                }
                outcome = .completed
            } catch is CancellationError {
                outcome = .clientDisconnected
            } catch  where watch.isClosed {
                outcome = .clientDisconnected  // the write to a client that left failed: not the upstream's fault
            } catch {
                logger.warning("upstream response broke off", metadata: ["error": "\(NetworkErrorSummary.describe(error))"])
                await completion.finish(.upstreamFailed, nil)
                guard stream, case .errorEvent(let dialect) = failure else { throw error }
                try await writer.write(Self.errorEvent(dialect))
                try await writer.finish(nil)
                return
            }
            var last = tail.0
            last.writeImmutableBuffer(tail.1)
            await completion.finish(outcome, outcome == .completed ? TokenUsage.find(in: last) : nil)
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// The event that ends a stream whose node failed during it.
    static func errorEvent(_ dialect: APIDialect) -> ByteBuffer {
        let error = OpenAIError.upstreamError("The node serving this request failed during the stream.")
        switch dialect {
        case .openAI:
            return ByteBuffer(string: "data: \(String(decoding: error.jsonData, as: UTF8.self))\n\n")
        case .anthropic:
            return ByteBuffer(string: "event: error\ndata: \(String(decoding: AnthropicError(error).jsonData, as: UTF8.self))\n\n")
        }
    }
}

/// What a relayed stream does when its upstream breaks after the response started.
public enum StreamFailure: Sendable, Equatable {
    /// End the stream with a final error event in the API's shape: `data: {"error": …}` for
    /// OpenAI's endpoints, `event: error` with Anthropic's error document for theirs.
    case errorEvent(APIDialect)
    /// Drop the connection, so the hop in front sees a broken stream.
    case dropConnection
}

/// How relaying an upstream response ended.
public enum RelayOutcome: Sendable, Equatable {
    /// Every byte reached the client.
    case completed
    /// The client went away; the upstream request was cancelled.
    case clientDisconnected
    /// The upstream failed after the response had started.
    case upstreamFailed
}
