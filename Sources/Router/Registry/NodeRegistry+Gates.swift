import Shared

extension NodeRegistry {
    /// Closes the gate of every node gone silent (heard from before, not within `offlineAfter`),
    /// so the requests still waiting for its answer give it up and move to other nodes instead
    /// of waiting out their first-byte limit on a node that froze; opens the gates of nodes
    /// heard from again. The maintenance loop runs it.
    /// - Returns: The nodes whose gate closed now.
    @discardableResult
    func closeGatesOfSilentNodes() -> [String] {
        let since = heardSince()
        var closed: [String] = []
        for slot in entries.indices where !entries[slot].id.isEmpty {
            if isOnline(slot, heardSince: since) {
                gates[slot].open()
            } else if entries[slot].lastSeen != nil, gates[slot].close() {
                closed.append(entries[slot].id)
            }
        }
        return closed
    }
}
