import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings`: picks a node that serves
/// the model, forwards the body unchanged, and relays the answer. A failure before the first
/// response byte moves on to the next node (bounded).
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
        let (request, body, fields, route) = (inference.request, inference.body, inference.fields, inference.route)
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        var logger = context.logger
        logger[metadataKey: "request.id"] = "\(requestID)"
        logger[metadataKey: "model"] = "\(fields.model)"
        var headers = HopByHopHeaders.forwardable(request.headers)
        headers.replaceOrAdd(name: "x-request-id", value: requestID)

        var tried: Set<String> = []
        while tried.count < maxAttempts, let lease = await registry.acquire(model: fields.model, excluding: tried) {
            tried.insert(lease.nodeID)
            let upstream: HTTPClientResponse
            do {
                upstream = try await forwarder.send(
                    to: lease.url + route.path,
                    body: body,
                    headers: headers,
                    bearer: nodeToken,
                    timeout: firstByteTimeout,
                    logger: logger
                )
            } catch {
                await registry.release(lease)
                logger.warning("node failed before answering", metadata: ["node.id": "\(lease.nodeID)", "error": "\(error)"])
                continue
            }
            if upstream.status.code >= 500 || upstream.status == .tooManyRequests {
                _ = try? await upstream.body.collect(upTo: 1 << 20)
                await registry.release(lease)
                logger.warning("node answered \(upstream.status.code); trying another", metadata: ["node.id": "\(lease.nodeID)"])
                continue
            }
            let registry = self.registry
            var extra = HTTPFields()
            extra[.requestID] = requestID
            return forwarder.relay(upstream, to: request, stream: fields.stream, extraHeaders: extra, logger: logger) { _ in
                Task { await registry.release(lease) }
            }
        }
        if !tried.isEmpty {
            throw OpenAIError.upstreamError()
        }
        if await registry.isKnown(fields.model) {
            throw OpenAIError.noCapableNodes(fields.model)
        }
        throw OpenAIError.modelNotFound(fields.model)
    }
}

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = HTTPField.Name("X-Request-ID")!
}
