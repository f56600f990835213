/// How fast an engine works, from its own Prometheus counters and the agent's count of the
/// requests it finished: prompt and generation tokens per second of one sequence, and the
/// engine time one request takes (prompt plus generation seconds per request), each over the
/// intervals in which the engine did that work, smoothed exponentially (30 % weight to the
/// newest interval). The router estimates from the last figure when a request would finish
/// on the node (`docs/routing.md`).
struct EngineSpeed: Sendable, Equatable {
    /// The engine's cumulative counters, and the requests the agent saw finish on it.
    struct Counters: Sendable, Equatable {
        var promptTokens: Double
        var promptSeconds: Double
        var tokens: Double
        var seconds: Double
        var requests: Double = 0
    }

    /// The counters at the last reading.
    private var last: Counters
    private(set) var promptTokensPerSecond: Double?
    private(set) var tokensPerSecond: Double?
    /// Engine seconds per finished request; nil until an interval with finished requests.
    private(set) var requestSeconds: Double?

    /// Starts from a first reading: what the engine did since it started is the first sample
    /// (readings wait for the engine to be idle, so it has often served requests by then).
    init(_ counters: Counters) {
        last = Counters(promptTokens: 0, promptSeconds: 0, tokens: 0, seconds: 0)
        update(counters)
    }

    /// Takes a new reading; counters that went back (a restarted engine) start over.
    mutating func update(_ counters: Counters) {
        defer { last = counters }
        let restarted = counters.tokens < last.tokens || counters.promptTokens < last.promptTokens || counters.requests < last.requests
        let base = restarted ? Counters(promptTokens: 0, promptSeconds: 0, tokens: 0, seconds: 0) : last
        let (prompt, promptTime) = (counters.promptTokens - base.promptTokens, counters.promptSeconds - base.promptSeconds)
        let (generated, generating) = (counters.tokens - base.tokens, counters.seconds - base.seconds)
        let finished = counters.requests - base.requests
        if prompt > 0, promptTime > 0.001 { Self.smooth(&promptTokensPerSecond, prompt / promptTime) }
        if generated > 0, generating > 0.01 { Self.smooth(&tokensPerSecond, generated / generating) }
        if finished > 0, promptTime + generating > 0.001 { Self.smooth(&requestSeconds, (promptTime + generating) / finished) }
    }

    private static func smooth(_ value: inout Double?, _ sample: Double) {
        value = value.map { 0.7 * $0 + 0.3 * sample } ?? sample
    }

    /// The engine's four counters in a Prometheus text exposition (`requests` left at zero),
    /// if they are all there.
    static func counters(in metrics: String) -> Counters? {
        var values: [Substring: Double] = [:]
        for line in metrics.split(separator: "\n") where line.hasPrefix("llamacpp:") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[parts[0]] = value }
        }
        guard let promptTokens = values["llamacpp:prompt_tokens_total"], let promptSeconds = values["llamacpp:prompt_seconds_total"],
            let tokens = values["llamacpp:tokens_predicted_total"], let seconds = values["llamacpp:tokens_predicted_seconds_total"]
        else { return nil }
        return Counters(promptTokens: promptTokens, promptSeconds: promptSeconds, tokens: tokens, seconds: seconds)
    }
}
