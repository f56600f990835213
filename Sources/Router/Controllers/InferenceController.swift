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
struct InferenceController<Context: RequestContext> {
    let registry: NodeRegistry
    let forwarder: UpstreamForwarder
    let nodeToken: String
    let bodyLimit: Int
    let firstByteTimeout: TimeAmount
    let maxAttempts: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.addInferenceRoutes(bodyLimit: bodyLimit, forward)
    }

    @Sendable func forward(_ inference: InferenceRequest, context: Context) async throws -> Response {
        let (request, model) = (inference.request, inference.fields.model)
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        var logger = context.logger
        logger[metadataKey: "request.id"] = "\(requestID)"
        logger[metadataKey: "model"] = "\(model)"
        var headers = HopByHopHeaders.forwardable(request.headers)
        headers.replaceOrAdd(name: "x-request-id", value: requestID)

        var tried: Set<String> = []
        while tried.count < maxAttempts {
            let lease: NodeLease
            do {
                lease = try await registry.lease(model: model, excluding: tried)
            } catch let error as OpenAIError where !tried.isEmpty && error.status != .tooManyRequests {
                break  // every candidate failed already: report the upstream failure
            }
            tried.insert(lease.nodeID)
            let upstream: HTTPClientResponse
            do {
                upstream = try await forwarder.send(
                    to: lease.url + inference.route.path,
                    body: inference.body,
                    headers: headers,
                    bearer: nodeToken,
                    timeout: firstByteTimeout,
                    logger: logger
                )
            } catch {
                await registry.release(lease)
                await registry.exclude(nodeID: lease.nodeID, model: model, reason: "no answer before the first byte: \(error)")
                continue
            }
            let status = upstream.status.code
            if status == 503 || status == 429 || status >= 500 {
                _ = try? await upstream.body.collect(upTo: 1 << 20)
                await registry.release(lease)
                if status != 503 && status != 429 {
                    await registry.exclude(nodeID: lease.nodeID, model: model, reason: "the node answered \(status)")
                } else {
                    logger.info("node busy (\(status)); trying another", metadata: ["node.id": "\(lease.nodeID)"])
                }
                continue
            }
            let registry = self.registry
            var extra = HTTPFields()
            extra[.requestID] = requestID
            return forwarder.relay(upstream, to: request, stream: inference.fields.stream, extraHeaders: extra, logger: logger) { outcome in
                Task {
                    await registry.release(lease)
                    if outcome == .upstreamFailed {
                        await registry.exclude(nodeID: lease.nodeID, model: model, reason: "the node broke off its response")
                    }
                }
            }
        }
        throw OpenAIError.upstreamError()
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = HTTPField.Name("X-Request-ID")!
}
