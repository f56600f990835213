/// The OpenAI inference endpoints that Switchyard routes; the same paths on the router, the
/// agent and the engine.
public enum InferenceRoute: String, CaseIterable, Sendable {
    /// `POST /v1/chat/completions`
    case chatCompletions = "chat/completions"
    /// `POST /v1/completions`
    case completions = "completions"
    /// `POST /v1/embeddings`
    case embeddings = "embeddings"

    /// The absolute path, e.g. `/v1/chat/completions`.
    public var path: String { "/v1/\(rawValue)" }

    /// Whether the endpoint accepts `stream: true`.
    public var canStream: Bool { self != .embeddings }
}
