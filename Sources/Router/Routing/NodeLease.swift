/// A slot reserved on a node for one request; give it back with ``NodeRegistry/release(_:)``.
struct NodeLease: Sendable, Equatable {
    var nodeID: String
    /// The node's base URL.
    var url: String
}
