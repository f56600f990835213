extension NodeRegistry {
    /// What an attempt to reserve a slot found.
    enum Acquisition: Sendable, Equatable {
        /// A slot was reserved.
        case leased(NodeLease)
        /// Candidates exist, but every one is at capacity.
        case full
        /// No online, non-excluded node serves the model.
        case noCandidates
    }

    /// Reserves a slot on the least-loaded candidate (in-flight relative to capacity, ties in
    /// rotation): the routing policy, and the place a cache-aware or endpoint-aware one plugs in. Candidates: online nodes listing the model, where it is not excluded, minus
    /// `excluded` nodes. One pass over the model's candidate list, no allocation: the cost
    /// follows the number of nodes serving the model, not the size of the fleet.
    func tryAcquire(model: String, excluding excluded: Set<String> = []) -> Acquisition {
        guard let list = candidates[model], !list.isEmpty else { return .noCandidates }
        let since = heardSince()
        rotation &+= 1
        let start = rotation % list.count
        let (best, anyCandidate) = entries.withUnsafeBufferPointer { entries in
            list.withUnsafeBufferPointer { list in
                var best: Int?
                var anyCandidate = false
                for step in 0..<list.count {
                    let slot = list[start + step < list.count ? start + step : start + step - list.count]
                    guard let lastSeen = entries[slot].lastSeen, lastSeen > since,
                        excluded.isEmpty || !excluded.contains(entries[slot].id)
                    else { continue }
                    anyCandidate = true
                    let (inFlight, capacity) = (entries[slot].inFlight, entries[slot].capacity)
                    guard inFlight < capacity else { continue }
                    // inFlight / capacity < best's inFlight / capacity, without division.
                    if let current = best, inFlight * entries[current].capacity >= entries[current].inFlight * capacity { continue }
                    best = slot
                    if inFlight == 0 { break }  // nothing beats an idle node; the rotation spreads ties
                }
                return (best, anyCandidate)
            }
        }
        guard anyCandidate else { return .noCandidates }
        guard let best else { return .full }
        entries[best].inFlight += 1
        return .leased(NodeLease(nodeID: entries[best].id, url: entries[best].url))
    }
}
