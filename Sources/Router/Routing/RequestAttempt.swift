import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import Shared

/// One attempt at one node, from the slot's lease to its release. It forwards the request,
/// classifies what came back (``AttemptOutcome``), and records the outcome in
/// ``finish(_:logger:)`` — the slot's release, an exclusion with its metric, a busy node's log
/// line — exactly once on every path: a failure before the answer, a busy node, an answer
/// relayed to its end (whose completion also records the request's metrics and log entry), a
/// node that breaks off, a client that leaves.
struct RequestAttempt: Sendable {
    let lease: NodeLease
    let request: RoutedRequest
    let router: RequestRouter

    /// What an attempt came to, for the request router.
    enum Result {
        /// The response that relays the node's answer.
        case answered(Response)
        /// The node said it is full (its own count, the arbiter of its capacity): another node,
        /// or this one a little later.
        case busy
        /// The node failed: another node (the attempt counts).
        case failed
    }

    /// Sends the request; returns the node's answer, or why the request should move on (the
    /// attempt is then finished). `waiting` gains the time spent at the node before its answer.
    /// - Throws: `CancellationError` when the client left.
    func run(watch: ClientDisconnectWatch, waiting: inout Duration, logger: Logger) async throws -> Result {
        let sent = ContinuousClock.now
        let answer: UpstreamAnswer
        do {
            answer = try await router.forwarder.send(
                to: lease.url + request.route.path,
                body: request.body,
                headers: request.headers,
                bearer: lease.credential.bearer(nodeToken: router.nodeToken),
                timeout: router.firstByteTimeout,
                stream: request.stream,
                logger: logger,
                watch: watch,
                gate: lease.gate
            )
        } catch {
            waiting += .now - sent
            let clientLeft = watch.isClosed || Task.isCancelled
            let outcome = !clientLeft && lease.gate?.isClosed == true ? .nodeLost : AttemptOutcome.classify(error: error, clientLeft: clientLeft)
            await finish(outcome, logger: logger)
            if outcome == .clientLeft { throw CancellationError() }
            if outcome == .outOfDescriptors {
                logger.error("out of file descriptors: raise the open-file limit (ulimit -n) or lower --max-connections")
                throw RoutingError.routerOverloaded
            }
            return .failed
        }
        waiting += .now - sent
        let status = answer.status.code
        let outcome = AttemptOutcome.classify(status: status)
        guard !outcome.triesAnotherNode else {
            await answer.discard()
            await finish(outcome, logger: logger)
            // Only the agent's own "full" is asked again; any other 429/503 (an engine that cannot
            // start, a provider's rate limit) moves the request on, the node kept.
            if case .busy = outcome, answer.headers.contains(name: NodeBusy.header) { return .busy }
            return .failed
        }
        if status >= 400, request.route.dialect == .anthropic, lease.credential != .nodeToken {
            throw await retold(answer, outcome: outcome, logger: logger)
        }
        let firstByte = ContinuousClock.now - request.arrived
        router.metrics.firstByte(model: request.model, after: firstByte)
        let extra: HTTPFields = [
            .requestID: request.requestID, .routerTime: (.now - request.arrived - waiting).millisecondsText,
        ]
        let failure = StreamFailure.errorEvent(request.route.dialect)
        let response = await router.forwarder.relay(
            answer,
            watch: watch,
            stream: request.stream,
            extraHeaders: extra,
            logger: logger,
            failure: failure
        ) {
            relay,
            usage in
            router.metrics.requestFinished(
                model: request.model,
                node: lease.nodeID,
                status: Int(status),
                duration: .now - request.arrived,
                firstByte: firstByte,
                usage: usage
            )
            await finish(AttemptOutcome.classify(relay: relay), logger: logger)
        }
        return .answered(response)
    }

    /// An endpoint's error answer on Anthropic's API, retold in Anthropic's shape: endpoints
    /// answer in their own (llama-server: OpenAI's); agents translate theirs themselves. The
    /// attempt is finished.
    private func retold(_ answer: UpstreamAnswer, outcome: AttemptOutcome, logger: Logger) async -> AnthropicError {
        let error = AnthropicError(status: .init(code: Int(answer.status.code)), engineBody: await answer.collect())
        let elapsed = ContinuousClock.now - request.arrived
        router.metrics.requestFinished(
            model: request.model,
            node: lease.nodeID,
            status: Int(answer.status.code),
            duration: elapsed,
            firstByte: elapsed,
            usage: nil
        )
        await finish(outcome, logger: logger)
        return error
    }

    /// Gives the slot back, excluding the model on the node when the outcome is the node's
    /// fault (one visit to the registry for both).
    func finish(_ outcome: AttemptOutcome, logger: Logger) async {
        let reason = outcome.exclusionReason
        if reason != nil { router.metrics.excluded(node: lease.nodeID, model: request.model) }
        if case .busy(let status) = outcome {
            logger.info("node busy (\(status)); trying another", metadata: ["node.id": "\(lease.nodeID)"])
        }
        await router.registry.release(lease, excludingModel: reason.map { (request.model, $0) })
    }
}
