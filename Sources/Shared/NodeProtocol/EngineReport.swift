/// One model's engine on a node, as the agent's heartbeat reports it: the router sends a
/// model's requests first to nodes where its engine is warm (ready or starting), so that no
/// request waits for a cold start that another node has already paid.
public struct EngineReport: Codable, Sendable, Equatable {
    /// Where the engine stands.
    public enum State: String, Codable, Sendable {
        /// Loaded and answering (or an external engine, always up).
        case ready
        /// Being started for a request that is waiting for it.
        case starting
    }

    public var model: String
    public var state: State
    /// Requests the engine can take now; nil when the agent cannot tell (external engines).
    public var freeSlots: Int?
    /// How long this model's engine last took to start on the node, in seconds; nil before the
    /// first start.
    public var startSeconds: Double?
    /// Prompt tokens per second the engine evaluates for one sequence, measured from its own
    /// counters while it was idle and smoothed; nil before it evaluated a prompt.
    public var promptTokensPerSecond: Double?
    /// Tokens per second the engine generates for one sequence, measured the same way.
    public var tokensPerSecond: Double?
    /// Engine seconds one request takes (prompt plus generation), measured the same way: what
    /// the router's estimate of when a request would finish on the node builds on.
    public var requestSeconds: Double?

    public init(
        model: String,
        state: State,
        freeSlots: Int? = nil,
        startSeconds: Double? = nil,
        promptTokensPerSecond: Double? = nil,
        tokensPerSecond: Double? = nil,
        requestSeconds: Double? = nil
    ) {
        self.model = model
        self.state = state
        self.freeSlots = freeSlots
        self.startSeconds = startSeconds
        self.promptTokensPerSecond = promptTokensPerSecond
        self.tokensPerSecond = tokensPerSecond
        self.requestSeconds = requestSeconds
    }

    enum CodingKeys: String, CodingKey {
        case model, state
        case freeSlots = "free_slots"
        case startSeconds = "start_seconds"
        case promptTokensPerSecond = "prompt_tokens_per_second"
        case tokensPerSecond = "tokens_per_second"
        case requestSeconds = "request_seconds"
    }
}
