/// The model-addressed inference endpoints that Switchyard routes; the same paths on the
/// router, the agent and the engine (`docs/api.md` lists them).
public enum InferenceRoute: String, CaseIterable, Sendable {
    /// `POST /v1/chat/completions`
    case chatCompletions = "chat/completions"
    /// `POST /v1/completions`
    case completions = "completions"
    /// `POST /v1/embeddings`
    case embeddings = "embeddings"
    /// `POST /v1/responses`: OpenAI's Responses API.
    case responses = "responses"
    /// `POST /v1/responses/input_tokens`: counts a Responses request's input tokens.
    case responsesInputTokens = "responses/input_tokens"
    /// `POST /v1/messages`: Anthropic's Messages API.
    case messages = "messages"
    /// `POST /v1/messages/count_tokens`: counts a Messages request's input tokens.
    case messagesCountTokens = "messages/count_tokens"
    /// `POST /v1/rerank`: scores documents against a query (a reranker model).
    case rerank = "rerank"
    /// `POST /v1/audio/transcriptions`: a multipart form with the audio file and `model`.
    case audioTranscriptions = "audio/transcriptions"

    /// The absolute path, e.g. `/v1/chat/completions` (a literal: it is read on every request).
    public var path: String {
        switch self {
        case .chatCompletions: "/v1/chat/completions"
        case .completions: "/v1/completions"
        case .embeddings: "/v1/embeddings"
        case .responses: "/v1/responses"
        case .responsesInputTokens: "/v1/responses/input_tokens"
        case .messages: "/v1/messages"
        case .messagesCountTokens: "/v1/messages/count_tokens"
        case .rerank: "/v1/rerank"
        case .audioTranscriptions: "/v1/audio/transcriptions"
        }
    }

    /// Whether the endpoint accepts `stream: true`.
    public var canStream: Bool {
        switch self {
        case .chatCompletions, .completions, .responses, .messages: true
        default: false
        }
    }

    /// Whose conventions the endpoint follows (error shapes, authentication header).
    public var dialect: APIDialect {
        switch self {
        case .messages, .messagesCountTokens: .anthropic
        default: .openAI
        }
    }

    /// Whether the body is a multipart form rather than JSON.
    public var isMultipart: Bool { self == .audioTranscriptions }
}

/// The API families the endpoints belong to.
public enum APIDialect: Sendable, Equatable {
    /// OpenAI's: errors in `{"error": {"message", "type", "param", "code"}}`.
    case openAI
    /// Anthropic's: errors in `{"type": "error", "error": {"type", "message"}}`.
    case anthropic

    /// The dialect of a request path: Anthropic's for `/v1/messages` and below.
    public static func of(path: String) -> APIDialect {
        path == "/v1/messages" || path.hasPrefix("/v1/messages/") ? .anthropic : .openAI
    }
}
