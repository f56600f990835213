import Shared

/// A node as the router knows it.
struct Node: Sendable, Equatable {
    /// Stable ID at the router (kept across re-registrations from the same URL).
    var id: String
    /// The agent's base URL (internal: never shown to inference clients).
    var url: String
    /// A name for people.
    var name: String
    /// The agent's current instance ID.
    var instanceID: String
    /// The node's backend.
    var backend: String
    /// One line per device.
    var devices: [String]
    /// Requests the node runs at once.
    var capacity: Int
    /// The model IDs pulled from the node's `/v1/models`.
    var models: Set<String>
    /// Requests the router has in flight on this node.
    var inFlight = 0
    /// When the node was last heard from.
    var lastSeen: ContinuousClock.Instant
}
