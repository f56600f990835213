import Hummingbird
import Logging
import NIOHTTP1
import Shared

/// `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings`: the HTTP edge of routing.
/// It names the request, hands it to the ``RequestRouter`` under a watch that cancels it when
/// the client leaves, and turns what routing could not do into OpenAI's envelope (a registered
/// model still downloading is said so), with its metrics.
struct InferenceController<Context: ConnectionAwareRequestContext> {
    let router: RequestRouter
    let registrations: RegisteredModels
    let bodyLimit: Int
    /// Under ``RoutingPolicy/prefixAffinity``, requests without a session key are keyed by
    /// their prompt's start.
    var routing = RoutingPolicy.warmFirst

    func addRoutes(to group: RouterGroup<Context>) {
        group.addInferenceRoutes(bodyLimit: bodyLimit, forward)
    }

    @Sendable func forward(_ inference: InferenceRequest, context: Context) async throws -> Response {
        let arrived = ContinuousClock.now
        let model = inference.fields.model
        let requestID = inference.request.headers.first { $0.name == .requestID }?.value ?? RequestIDs.next()
        var headers = HopByHopHeaders.forwardable(inference.request.headers)
        headers.replaceOrAdd(name: "x-request-id", value: requestID)
        let request = RoutedRequest(
            model: model,
            route: inference.route,
            body: inference.body,
            headers: headers,
            stream: inference.fields.stream,
            session: inference.request.headers.first { $0.name == .sessionID }?.value ?? inference.fields.session
                ?? (routing == .prefixAffinity ? Self.prefixKey(inference) : nil),
            requestID: requestID,
            arrived: arrived
        )
        var logger = context.logger
        // Through a provider, read only when a line is logged (setting the handler's metadata
        // re-renders all of it at once, on every request).
        let requestMetadata = Logger.MetadataProvider { ["request.id": "\(requestID)", "model": "\(model)"] }
        logger.handler.metadataProvider = logger.metadataProvider.map { .multiplex([$0, requestMetadata]) } ?? requestMetadata
        // A client that leaves cancels the request wherever it is: in the model's queue (it gives
        // up its place), at the node, or streaming. Routing hands the watch to each step.
        let watch = ClientDisconnectWatch(connection: context.connectionCloseNotifier())
        do {
            return try await router.route(request, watch: watch, logger: logger)
        } catch is CancellationError {
            let known = await router.registry.isKnown(model)  // a client that left before its 404 was sent
            let metrics = router.metrics
            metrics.requestFinished(model: model, node: nil, status: 499, duration: .now - arrived, code: "client_closed_request", modelKnown: known)
            context.logger.info("client left before the answer started", metadata: ["model": "\(model)"])
            throw CancellationError()
        } catch let error as RoutingError {
            let explained = await registrations.explain(error, model: model)
            let envelope = explained.openAIError
            router.metrics.requestFinished(
                model: model,
                node: nil,
                status: Int(envelope.status.code),
                duration: .now - arrived,
                code: envelope.body.code,
                modelKnown: explained.modelIsKnown
            )
            throw envelope
        }
    }

    /// A key for the prompt's start: FNV-1a over its first bytes (``RoutingFields/prefix``).
    static func prefixKey(_ inference: InferenceRequest) -> String? {
        guard let prefix = inference.fields.prefix else { return nil }
        let hash = inference.body.withUnsafeReadableBytes { bytes in
            bytes[prefix].reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
        }
        return "prefix:" + String(hash, radix: 16)
    }
}
