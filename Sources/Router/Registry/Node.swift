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
    /// Models excluded on this node after failures, until the node restarts or re-registers,
    /// or an admin clears them.
    var excluded: Set<String> = []
    /// Requests the router has in flight on this node.
    var inFlight = 0
    /// When the node was last heard from; nil for a node restored from the database that has
    /// not been heard from since this router started (not routable).
    var lastSeen: ContinuousClock.Instant?

    /// The models requests may be sent here for.
    var routableModels: Set<String> { models.subtracting(excluded) }

    /// Whether one more request fits.
    var hasFreeSlot: Bool { inFlight < capacity }
}
