import Hummingbird
import Logging
import NIOCore
import Shared

/// `POST /v1/chat/completions`, `/v1/completions` and `/v1/embeddings`: checks the model is one
/// this node serves, makes sure its engine runs, and relays the request to it unchanged.
struct NodeInferenceController<Context: ConnectionAwareRequestContext> {
    let state: AgentState
    let engines: EnginePool
    let forwarder: UpstreamForwarder
    let bodyLimit: Int
    /// Time allowed until the engine's response head (a non-streaming answer arrives whole).
    let responseTimeout: TimeAmount

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v1").add(middleware: auth).addInferenceRoutes(bodyLimit: bodyLimit, forward)
    }

    @Sendable func forward(_ inference: InferenceRequest, context: Context) async throws -> Response {
        guard let model = await state.executableModel(inference.fields.model) else {
            throw OpenAIError.modelNotFound(inference.fields.model)
        }
        try Self.check(model, accepts: inference.route)
        // A client that leaves while the engine loads, prefills or generates cancels the request.
        let watch = ClientDisconnectWatch(connection: context.connectionCloseNotifier())
        let upstream = try await watch.cancellingOnClose { try await send(inference, to: model, logger: context.logger) }
        let engines = self.engines
        // Behind a router, a broken engine stream must reach it as a broken stream (it excludes
        // the node and tells the client); the router writes the client's error event.
        return await forwarder.relay(upstream, watch: watch, stream: inference.fields.stream, logger: context.logger, failure: .dropConnection) {
            _,
            _ in
            await engines.checkin(model)
        }
    }

    /// Makes sure the model's engine runs and sends it the request. The engine stays checked out
    /// for the relay when an answer came, and is checked in here when none did.
    private func send(_ inference: InferenceRequest, to model: LocalModel, logger: Logger) async throws -> UpstreamAnswer {
        let engineURL: String
        do {
            engineURL = try await engines.checkout(model)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error("engine unavailable", metadata: ["model": "\(model.id)", "error": "\(error)"])
            throw OpenAIError.engineUnavailable(model.id, retryAfter: (error as? EngineError)?.retryAfterSeconds ?? 5)
        }
        do {
            return try await forwarder.send(
                to: engineURL + inference.route.path,
                body: inference.body,
                headers: HopByHopHeaders.forwardable(inference.request.headers),
                bearer: nil,
                timeout: responseTimeout,
                stream: inference.fields.stream,
                logger: logger
            )
        } catch {
            await engines.checkin(model)
            if error is CancellationError {
                logger.info("client left before the engine answered", metadata: ["model": "\(model.id)"])
                throw error
            }
            logger.error("engine request failed", metadata: ["model": "\(model.id)", "error": "\(NetworkErrorSummary.describe(error))"])
            throw OpenAIError.upstreamError("The engine for '\(model.id)' did not answer.")
        }
    }

    /// Embedding models answer only `/v1/embeddings`; chat models everything else.
    static func check(_ model: LocalModel, accepts route: InferenceRoute) throws(OpenAIError) {
        switch (model.kind, route) {
        case (.embedding, .embeddings), (.chat, .chatCompletions), (.chat, .completions):
            return
        case (.embedding, _):
            throw .invalidRequest("'\(model.id)' is an embedding model; use /v1/embeddings.", param: "model", code: "model_not_supported")
        case (.chat, _):
            throw .invalidRequest("'\(model.id)' does not produce embeddings.", param: "model", code: "model_not_supported")
        }
    }
}
