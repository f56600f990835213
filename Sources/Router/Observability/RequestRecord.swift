/// One finished request, as the dashboard's traffic view and the request log keep it.
struct RequestRecord: Sendable, Equatable, Codable {
    /// When it finished (Unix seconds).
    var at: Double
    var model: String
    /// The node that answered (nil when none did).
    var nodeID: String?
    var status: Int
    /// The OpenAI error code of an error answer.
    var code: String?
    /// Total time at the router, in milliseconds.
    var latencyMs: Double
    /// Time until the node's response head, in milliseconds.
    var firstByteMs: Double?
    /// Token counts, when the answer's end carried them.
    var promptTokens: Int? = nil
    var completionTokens: Int? = nil

    enum CodingKeys: String, CodingKey {
        case at, model, status, code
        case nodeID = "node_id"
        case latencyMs = "latency_ms"
        case firstByteMs = "ttfb_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}
