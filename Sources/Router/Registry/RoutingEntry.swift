/// A node's live routing state. The registry keeps these in one contiguous array and the
/// per-model candidate lists hold indices into it, so a selection reads plain integers: no
/// reference counting, dictionary lookup or clock arithmetic per candidate.
struct RoutingEntry {
    let id: String
    var url: String
    var capacity: Int
    /// What to present to the node.
    var credential = NodeCredential.nodeToken
    /// Requests the router has in flight on the node.
    var inFlight = 0
    /// Requests other router replicas had in flight there at the last heartbeat: the node's
    /// own count less this router's (a hint; zero for a router alone).
    var othersInFlight = 0
    /// The most this router had in flight there since the last heartbeat: what it subtracts
    /// from the node's count, which was taken at some moment in between. The hint errs low (the
    /// agent refuses what is too much); erring high would leave free slots unused.
    var peakInFlight = 0
    /// When the node was last heard from, in ``NodeRegistry/ticks()``; nil for a node restored
    /// from the database that has not been heard from since this router started (not routable),
    /// and for a freed slot.
    var lastSeen: Int64?
    /// Memory the node's engines could load a model into without stopping another, as its
    /// last heartbeat said; nil when unknown.
    var freeMemory: Int64?
    /// The agent said it is shutting down: it finishes its requests and gets no new one.
    var draining = false

    /// Whether a new request may go there now.
    var hasFreeSlot: Bool { !draining && hasRoom }
    /// Whether the node has a slot neither this router nor, as far as it knows, the others use.
    var hasRoom: Bool { inFlight + othersInFlight < capacity }
}
