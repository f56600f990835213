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
    /// Tokens per second the engine generates for one sequence, as measured from its own
    /// counters between heartbeats and smoothed; nil before it generated anything.
    public var tokensPerSecond: Double?

    public init(model: String, state: State, freeSlots: Int? = nil, startSeconds: Double? = nil, tokensPerSecond: Double? = nil) {
        self.model = model
        self.state = state
        self.freeSlots = freeSlots
        self.startSeconds = startSeconds
        self.tokensPerSecond = tokensPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case model, state
        case freeSlots = "free_slots"
        case startSeconds = "start_seconds"
        case tokensPerSecond = "tokens_per_second"
    }
}
