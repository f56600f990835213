/// A slot reserved on a node for one request; give it back with ``NodeRegistry/release(_:)``.
struct NodeLease: Sendable, Equatable {
    var nodeID: String
    /// The node's base URL.
    var url: String
    /// Whether the model's engine was warm on the node when it was chosen (else the request
    /// starts it there: a cold start).
    var warm: Bool
    /// What to present to the node.
    var credential = NodeCredential.nodeToken
    /// For a request with a session key: whether it stayed on its conversation's node, moved
    /// off it (gone, excluded or full), or started a conversation.
    var session: SessionPlacement?
}

/// Where a request with a session key went, relative to its conversation's node.
enum SessionPlacement: String, Sendable, Equatable {
    case kept, moved, new
}
