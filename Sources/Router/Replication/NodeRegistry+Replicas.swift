import Shared

/// How a registry follows the changes other router replicas make through the shared database.
extension NodeRegistry {
    /// Applies another replica's change to a node, as read back from the database (nil: it
    /// was removed) in a read begun at `mark` (``localChanges`` then): a change made here
    /// since is newer and stays. A node new here has just registered elsewhere, so it counts
    /// as heard from.
    func adopt(_ node: Node?, id: String, readAt mark: UInt64 = .max) {
        guard changedHere[id, default: 0] <= mark else { return }
        guard let node else {
            remove(nodeID: id, persisting: false)
            return
        }
        for other in nodes.values where other.url == node.url && other.id != id {
            remove(nodeID: other.id, persisting: false)  // the database kept the other ID for this URL
        }
        guard nodes[id] != node else { return }
        replace(node, seen: nodes[id] == nil, persisting: false)
    }

    /// Brings every node in line with the database, read in a read begun at `mark`, after
    /// notifications may have been missed. Nodes changed here since keep their newer state.
    func reconcile(with stored: [Node], readAt mark: UInt64) {
        let storedIDs = Set(stored.map(\.id))
        for id in nodes.keys where !storedIDs.contains(id) && changedHere[id, default: 0] <= mark { remove(nodeID: id, persisting: false) }
        for node in stored where nodes[node.id] != node && changedHere[node.id, default: 0] <= mark { replace(node, persisting: false) }
    }

    /// Records a heartbeat; a node unknown here is looked up in the database first, since it
    /// may have registered through another replica a moment ago.
    func heartbeat(nodeID: String, _ beat: NodeHeartbeat, persisting: Bool = true, lookingIn store: NodeStore?) async -> HeartbeatOutcome {
        let outcome = heartbeat(nodeID: nodeID, beat, persisting: persisting)
        let mark = localChanges
        guard outcome == .unknownNode, let store, let stored = try? await store.node(id: nodeID) else { return outcome }
        adopt(stored, id: nodeID, readAt: mark)
        return heartbeat(nodeID: nodeID, beat, persisting: persisting)
    }
}
