/// A slot reserved on a node for one request; give it back with ``NodeRegistry/release(_:)``.
struct NodeLease: Sendable, Equatable {
    var nodeID: String
    /// The node's base URL.
    var url: String
    /// Whether the model's engine was warm on the node when it was chosen (else the request
    /// starts it there: a cold start).
    var warm = true
}
