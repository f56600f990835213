import AsyncHTTPClient
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
        let (request, body, fields, route) = (inference.request, inference.body, inference.fields, inference.route)
        guard let model = await state.executableModel(fields.model) else {
            throw OpenAIError.modelNotFound(fields.model)
        }
        try Self.check(model, accepts: route)
        // A client that leaves while the engine loads, prefills or generates cancels the request.
        let watch = ClientDisconnectWatch(connection: await context.connectionCloseNotifier())
        let engineURL: String
        do {
            engineURL = try await watch.cancellingOnClose { try await self.engines.checkout(model) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("engine unavailable", metadata: ["model": "\(model.id)", "error": "\(error)"])
            throw OpenAIError.engineUnavailable(model.id, retryAfter: (error as? EngineError)?.retryAfterSeconds ?? 5)
        }
        await state.begin()
        let upstream: UpstreamAnswer
        do {
            upstream = try await watch.cancellingOnClose {
                try await forwarder.send(
                    to: engineURL + route.path,
                    body: body,
                    headers: HopByHopHeaders.forwardable(request.headers),
                    bearer: nil,
                    timeout: responseTimeout,
                    stream: fields.stream,
                    logger: context.logger
                )
            }
        } catch {
            await state.end()
            await engines.checkin(model.id)
            if error is CancellationError {
                context.logger.info("client left before the engine answered", metadata: ["model": "\(model.id)"])
                throw error
            }
            context.logger.error(
                "engine request failed",
                metadata: ["model": "\(model.id)", "error": "\(UpstreamErrorSummary.describe(error))"]
            )
            throw OpenAIError.upstreamError("The engine for '\(model.id)' did not answer.")
        }
        let (state, engines) = (self.state, self.engines)
        // Behind a router, a broken engine stream must reach it as a broken stream (it excludes
        // the node and tells the client); the router writes the client's error event.
        return await forwarder.relay(upstream, watch: watch, stream: fields.stream, logger: context.logger, failure: .dropConnection) { _, _ in
            await state.end()
            await engines.checkin(model.id)
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
