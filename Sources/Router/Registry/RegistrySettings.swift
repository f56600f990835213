/// Liveness and queueing limits of the registry, and its routing policy.
struct RegistrySettings: Sendable, Equatable {
    /// A node not heard from for this long is offline.
    var offlineAfter: Duration = .seconds(6)
    /// Requests that may wait per model when every candidate is at capacity.
    var queueDepth = 256
    /// How long a request may wait in the queue.
    var queueTimeout: Duration = .seconds(30)
    /// How a node is chosen among those that can take a request.
    var routing = RoutingPolicy.warmFirst
    /// Whether other routers share the nodes (replicas on PostgreSQL): each heartbeat then
    /// says how many requests the others have on a node (its count less this router's), and
    /// selection counts them too. The agent still has the last word (it answers "busy").
    var sharesNodes = false
}
