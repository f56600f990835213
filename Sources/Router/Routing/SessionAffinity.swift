/// Which node each conversation went to last, so that its next turn goes there too (where the
/// engine still holds its prompt in cache). Keyed by model and session key; bounded: when the
/// newer of two generations fills, the older is dropped, so a conversation idle for a full
/// generation of others is forgotten (and simply routed afresh).
struct SessionAffinity: Sendable {
    private var current: [String: String] = [:]
    private var previous: [String: String] = [:]
    /// Conversations a generation holds.
    let generation: Int

    init(generation: Int = 50_000) {
        self.generation = generation
    }

    /// The key of a model's conversation.
    static func key(model: String, session: String) -> String {
        model + "\u{1F}" + session
    }

    /// The node the conversation went to last, if remembered.
    mutating func node(for key: String) -> String? {
        if let node = current[key] { return node }
        guard let node = previous[key] else { return nil }
        record(key, node: node)  // still in use: keep it in the newer generation
        return node
    }

    /// Remembers where the conversation went.
    mutating func record(_ key: String, node: String) {
        current[key] = node
        if current.count >= generation {
            previous = current
            current = [:]
        }
    }
}
