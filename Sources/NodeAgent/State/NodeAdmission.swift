import NIOConcurrencyHelpers

/// The agent's own count of the inference requests it runs, held to its capacity: it is the
/// arbiter of its capacity whoever sends (one router, several replicas, direct clients). A
/// request past it is answered 503 `node_busy`, which routers treat as busy, not as a failure.
/// A lock, not an actor: every request takes and gives back a place.
final class NodeAdmission: Sendable {
    private let admitted = NIOLockedValueBox(0)
    /// Requests run at once (the capacity reported to the router).
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes a place; false when all are taken.
    func tryAdmit() -> Bool {
        admitted.withLockedValue { admitted in
            guard admitted < capacity else { return false }
            admitted += 1
            return true
        }
    }

    /// Gives a place back.
    func release() {
        admitted.withLockedValue { $0 = max(0, $0 - 1) }
    }

    /// Places taken now.
    var current: Int { admitted.withLockedValue { $0 } }
}
