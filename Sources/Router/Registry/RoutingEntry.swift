/// A node's live routing state, shared by reference between the per-model candidate lists so a
/// selection touches one small object per candidate and no dictionary. Owned and mutated only
/// inside the ``NodeRegistry`` actor.
final class RoutingEntry {
    let id: String
    var url: String
    var capacity: Int
    /// Requests the router has in flight on the node.
    var inFlight = 0
    /// When the node was last heard from; nil for a node restored from the database that has
    /// not been heard from since this router started (not routable).
    var lastSeen: ContinuousClock.Instant?

    init(id: String, url: String, capacity: Int, lastSeen: ContinuousClock.Instant?) {
        self.id = id
        self.url = url
        self.capacity = capacity
        self.lastSeen = lastSeen
    }

    var hasFreeSlot: Bool { inFlight < capacity }
}
