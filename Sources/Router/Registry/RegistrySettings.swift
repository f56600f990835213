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
}
