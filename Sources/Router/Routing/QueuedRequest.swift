/// A request waiting for a slot on any node that serves its model.
struct QueuedRequest: Sendable {
    /// Arrival order across all queues (lower waited longer).
    var ticket: UInt64
    /// Nodes this request already tried.
    var excluding: Set<String>
    var continuation: CheckedContinuation<NodeLease, any Error>
}
