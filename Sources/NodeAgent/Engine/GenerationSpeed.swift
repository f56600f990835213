/// How fast an engine generates, from its own Prometheus counters (`llamacpp:tokens_predicted_total`
/// and `llamacpp:tokens_predicted_seconds_total`, the time its sequences spent generating): the
/// tokens per second of one sequence over each interval in which it generated, smoothed
/// (exponentially, 30 % weight to the newest interval), so the router can prefer faster nodes.
struct GenerationSpeed: Sendable, Equatable {
    /// The counters at the last reading.
    private var tokens: Double
    private var seconds: Double
    /// The smoothed speed; nil until an interval with generation was seen.
    private(set) var tokensPerSecond: Double?

    /// Starts from a first reading of the counters: what the engine generated since it started
    /// is the first sample (readings wait for the engine to be idle, so it has often generated).
    init(tokens: Double, seconds: Double) {
        self.tokens = tokens
        self.seconds = seconds
        if tokens > 0, seconds > 0.01 { tokensPerSecond = tokens / seconds }
    }

    /// Takes a new reading; counters that went back (a restarted engine) start over.
    mutating func update(tokens: Double, seconds: Double) {
        defer { (self.tokens, self.seconds) = (tokens, seconds) }
        let (generated, spent) = (tokens - self.tokens, seconds - self.seconds)
        guard generated > 0, spent > 0.01 else { return }
        let sample = generated / spent
        tokensPerSecond = tokensPerSecond.map { 0.7 * $0 + 0.3 * sample } ?? sample
    }

    /// The two counters in a Prometheus text exposition, if both are there.
    static func counters(in metrics: String) -> (tokens: Double, seconds: Double)? {
        var tokens: Double?
        var seconds: Double?
        for line in metrics.split(separator: "\n") where line.hasPrefix("llamacpp:tokens_predicted") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            if parts[0] == "llamacpp:tokens_predicted_total" { tokens = value }
            if parts[0] == "llamacpp:tokens_predicted_seconds_total" { seconds = value }
        }
        guard let tokens, let seconds else { return nil }
        return (tokens, seconds)
    }
}
