import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings`: reserves a slot on a node
/// that serves the model (waiting in the model's queue when all are busy), forwards the body
/// unchanged, and relays the answer.
///
/// Failures before the first response byte move on to the next node (bounded). A connection
/// failure, a timeout, a 5xx other than 503, or a stream the node drops excludes the model on
/// that node; 429/503 mean busy (try another, no exclusion); 4xx are the client's and pass
/// through.
struct InferenceController<Context: ConnectionAwareRequestContext> {
    let registry: NodeRegistry
    let registrations: RegisteredModels
    let forwarder: UpstreamForwarder
    let nodeToken: String
    let bodyLimit: Int
    let firstByteTimeout: TimeAmount
    let maxAttempts: Int
    let metrics: RouterMetrics

    func addRoutes(to group: RouterGroup<Context>) {
        group.addInferenceRoutes(bodyLimit: bodyLimit, forward)
    }

    @Sendable func forward(_ inference: InferenceRequest, context: Context) async throws -> Response {
        let arrived = ContinuousClock.now
        let model = inference.fields.model
        // A client that leaves cancels the request wherever it is: in the model's queue (it gives
        // up its place), at the node, or streaming (the relay goes on watching).
        let watch = ClientDisconnectWatch(connection: context.connectionCloseNotifier())
        do {
            return try await watch.cancellingOnClose { try await route(inference, watch: watch, context: context, arrived: arrived) }
        } catch is CancellationError {
            let known = await registry.isKnown(model)  // a client that left before its 404 was sent
            metrics.requestFinished(
                model: model,
                node: nil,
                status: 499,
                duration: .now - arrived,
                code: "client_closed_request",
                modelKnown: known
            )
            context.logger.info("client left before the answer started", metadata: ["model": "\(model)"])
            throw CancellationError()
        } catch var error as OpenAIError {
            if ["model_not_found", "no_capable_nodes"].contains(error.body.code) {
                error = await registrations.explain(error, model: model)
            }
            metrics.requestFinished(
                model: model,
                node: nil,
                status: Int(error.status.code),
                duration: .now - arrived,
                code: error.body.code,
                modelKnown: error.body.code != "model_not_found"
            )
            throw error
        }
    }

    private func route(
        _ inference: InferenceRequest,
        watch: ClientDisconnectWatch,
        context: Context,
        arrived: ContinuousClock.Instant
    ) async throws -> Response {
        let (request, model) = (inference.request, inference.fields.model)
        let requestID = request.headers.first { $0.name == .requestID }?.value ?? RequestIDs.next()
        var logger = context.logger
        // Through a provider, read only when a line is logged (setting the handler's metadata
        // re-renders all of it at once, on every request).
        let requestMetadata = Logger.MetadataProvider { ["request.id": "\(requestID)", "model": "\(model)"] }
        logger.handler.metadataProvider = logger.metadataProvider.map { .multiplex([$0, requestMetadata]) } ?? requestMetadata
        var headers = HopByHopHeaders.forwardable(request.headers)
        headers.replaceOrAdd(name: "x-request-id", value: requestID)

        var tried: Set<String> = []
        var waiting = Duration.zero  // in the queue and on nodes: not the router's own time
        while tried.count < maxAttempts {
            let lease: NodeLease
            let queued = ContinuousClock.now
            do {
                lease = try await registry.lease(model: model, excluding: tried)
            } catch let error as OpenAIError where !tried.isEmpty && error.status != .tooManyRequests {
                break  // every candidate failed already: report the upstream failure
            }
            waiting += .now - queued
            if .now - queued > .milliseconds(1) { metrics.queued(model: model, for: .now - queued) }
            if !tried.isEmpty { metrics.retried(model: model) }
            tried.insert(lease.nodeID)
            let sent = ContinuousClock.now
            let upstream: UpstreamAnswer
            do {
                upstream = try await forwarder.send(
                    to: lease.url + inference.route.path,
                    body: inference.body,
                    headers: headers,
                    bearer: nodeToken,
                    timeout: firstByteTimeout,
                    stream: inference.fields.stream,
                    logger: logger
                )
            } catch {
                waiting += .now - sent
                await registry.release(lease)
                if watch.isClosed || Task.isCancelled { throw CancellationError() }  // the client left: not the node's fault
                await exclude(lease, model: model, reason: "failed before its answer reached the client: \(UpstreamErrorSummary.describe(error))")
                continue
            }
            waiting += .now - sent
            let status = upstream.status.code
            if status == 503 || status == 429 || status >= 500 {
                await upstream.discard()
                await registry.release(lease)
                if status != 503 && status != 429 {
                    await exclude(lease, model: model, reason: "the node answered \(status)")
                } else {
                    logger.info("node busy (\(status)); trying another", metadata: ["node.id": "\(lease.nodeID)"])
                }
                continue
            }
            let firstByte = ContinuousClock.now - arrived
            metrics.firstByte(model: model, after: firstByte)
            let extra: HTTPFields = [.requestID: requestID, .routerTime: Self.milliseconds(.now - arrived - waiting)]
            let (registry, metrics) = (self.registry, self.metrics)
            return await forwarder.relay(upstream, watch: watch, stream: inference.fields.stream, extraHeaders: extra, logger: logger) {
                outcome,
                usage in
                metrics.requestFinished(
                    model: model,
                    node: lease.nodeID,
                    status: Int(status),
                    duration: .now - arrived,
                    firstByte: firstByte,
                    usage: usage
                )
                await registry.release(lease)
                if outcome == .upstreamFailed {
                    metrics.excluded(node: lease.nodeID, model: model)
                    await registry.exclude(nodeID: lease.nodeID, model: model, reason: "the node broke off its response")
                }
            }
        }
        throw OpenAIError.upstreamError()
    }

    private func exclude(_ lease: NodeLease, model: String, reason: String) async {
        metrics.excluded(node: lease.nodeID, model: model)
        await registry.exclude(nodeID: lease.nodeID, model: model, reason: reason)
    }

    /// `duration` in milliseconds with three decimals, such as `0.042`.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = max(0, Int((duration.milliseconds * 1000).rounded()))
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// Milliseconds the router itself spent on the request (queueing and node time excluded).
    static let routerTime = HTTPField.Name("X-Switchyard-Router-Time-Ms")!
}
