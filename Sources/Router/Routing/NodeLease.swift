import Shared

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
    /// The node's gate: closed when the node is declared offline, which gives up the request
    /// while its answer has not come.
    var gate: UpstreamGate?

    /// Leases are equal when they say the same of the node; the gate is a handle, not part of it.
    static func == (lhs: NodeLease, rhs: NodeLease) -> Bool {
        (lhs.nodeID, lhs.url, lhs.warm, lhs.credential, lhs.session) == (rhs.nodeID, rhs.url, rhs.warm, rhs.credential, rhs.session)
    }
    /// For a request with a session key: whether it stayed on its conversation's node, moved
    /// off it (gone, excluded or full), or started a conversation.
    var session: SessionPlacement?
}

/// Where a request with a session key went, relative to its conversation's node.
enum SessionPlacement: String, Sendable, Equatable {
    case kept, moved, new
}
