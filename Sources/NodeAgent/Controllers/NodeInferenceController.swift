import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Shared

/// Every ``InferenceRoute`` (`/v1/chat/completions`, `/v1/responses`, `/v1/messages`, …): checks
/// the model is one this node serves and that its kind answers the endpoint, makes sure its
/// engine runs, and relays the request to it unchanged.
struct NodeInferenceController<Context: ConnectionAwareRequestContext> {
    let state: AgentState
    let engines: EnginePool
    let forwarder: UpstreamForwarder
    let bodyLimit: Int
    /// Time allowed until the engine's response head (a non-streaming answer arrives whole).
    let responseTimeout: TimeAmount
    /// The node's places: taken before the engine is asked, given back when the answer ended
    /// (before its last bytes leave, so the sender never sees the place still taken).
    let admission: Admission

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v1").add(middleware: auth).addInferenceRoutes(bodyLimit: bodyLimit, forward)
    }

    @Sendable func forward(_ inference: InferenceRequest, context: Context) async throws -> Response {
        guard let model = await state.executableModel(inference.fields.model) else {
            throw OpenAIError.modelNotFound(inference.fields.model)
        }
        try Self.check(model, accepts: inference.route)
        guard admission.tryAdmit() else {
            if admission.shouldReportRefusal() {
                context.logger.notice("node busy: refusing requests past its \(admission.limit) places (--slots)")
            }
            throw OpenAIError.nodeBusy(capacity: admission.limit)
        }
        var relaying = false
        defer { if !relaying { admission.release() } }
        // A client that leaves while the engine loads, prefills or generates cancels the request.
        let watch = ClientDisconnectWatch(connection: context.connectionCloseNotifier())
        let upstream = try await watch.cancellingOnClose { try await send(inference, to: model, logger: context.logger) }
        let (engines, admission) = (self.engines, self.admission)
        if upstream.status == .notImplemented || (inference.route.dialect == .anthropic && upstream.status.code >= 400) {
            await engines.checkin(model)
            throw await Self.engineError(upstream, route: inference.route)
        }
        relaying = true
        // Behind a router, a broken engine stream must reach it as a broken stream (it excludes
        // the node and tells the client); the router writes the client's error event.
        return await forwarder.relay(upstream, watch: watch, stream: inference.fields.stream, logger: context.logger, failure: .dropConnection) {
            _,
            _ in
            await engines.checkin(model)
            admission.release()
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

    /// An engine's error answer as the client gets it. The engine's 501 (its build or the model
    /// cannot do this, such as audio input for a text-only model) is the client's 400
    /// `model_not_supported`: no other node would do better with the same model, and a 5xx
    /// would count against this one. On Anthropic's endpoints, errors take Anthropic's shape
    /// (llama-server answers OpenAI's everywhere).
    private static func engineError(_ answer: UpstreamAnswer, route: InferenceRoute) async -> any Error {
        let body = await answer.collect()
        let told = AnthropicError(status: .init(code: Int(answer.status.code)), engineBody: body)
        guard answer.status == .notImplemented else { return told }
        let error = OpenAIError.invalidRequest(told.message, param: "model", code: "model_not_supported")
        return route.dialect == .anthropic ? AnthropicError(error) : error
    }

    /// Whether the model's kind answers the endpoint: embedding models only `/v1/embeddings`,
    /// rerankers only `/v1/rerank`, chat models the text endpoints (chat, completions,
    /// Responses, Anthropic Messages and their token counts) and audio transcription (the
    /// engine says whether the model takes audio). A clear 400 otherwise.
    static func check(_ model: LocalModel, accepts route: InferenceRoute) throws(OpenAIError) {
        let accepted: Bool
        switch route {
        case .embeddings: accepted = model.kind == .embedding
        case .rerank: accepted = model.kind == .reranker
        default: accepted = model.kind == .chat
        }
        guard !accepted else { return }
        let use: String
        switch model.kind {
        case .embedding: use = "an embedding model; use /v1/embeddings"
        case .reranker: use = "a reranker; use /v1/rerank"
        case .chat: use = "a text-generation model; \(route.path) needs \(route == .rerank ? "a reranker" : "an embedding model")"
        }
        throw .invalidRequest("'\(model.id)' is \(use).", param: "model", code: "model_not_supported")
    }
}
