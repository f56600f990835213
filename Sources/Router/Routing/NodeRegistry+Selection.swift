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

    /// Reserves a slot on a candidate (online, listing the model, not excluded there, not in
    /// `excluded`): the routing policy, and the place a cache-aware or endpoint-aware one plugs
    /// in. Warm first: among candidates with a free slot, one where the model's engine is warm
    /// (ready or starting, ``warm``) wins over any cold one, so a cold engine is started only
    /// when every warm node is at capacity. Among equals, the least loaded (in flight relative
    /// to capacity), ties in rotation. The node chosen is warm from then on: its engine is
    /// starting for this request. One pass over the model's candidate list, no allocation: the
    /// cost follows the number of nodes serving the model, not the size of the fleet.
    func tryAcquire(model: String, excluding excluded: Set<String> = []) -> Acquisition {
        guard let list = candidates[model], !list.isEmpty else { return .noCandidates }
        let since = heardSince()
        let warmSlots = warm[model] ?? []
        rotation &+= 1
        let start = rotation % list.count
        let (best, bestIsWarm, anyCandidate) = entries.withUnsafeBufferPointer { entries in
            list.withUnsafeBufferPointer { list in
                var best: Int?
                var bestIsWarm = false
                var anyCandidate = false
                for step in 0..<list.count {
                    let slot = list[start + step < list.count ? start + step : start + step - list.count]
                    guard let lastSeen = entries[slot].lastSeen, lastSeen > since,
                        excluded.isEmpty || !excluded.contains(entries[slot].id)
                    else { continue }
                    anyCandidate = true
                    let (inFlight, capacity) = (entries[slot].inFlight, entries[slot].capacity)
                    guard inFlight < capacity else { continue }
                    let isWarm = !warmSlots.isEmpty && warmSlots.contains(slot)
                    if let current = best {
                        if bestIsWarm && !isWarm { continue }
                        // inFlight / capacity < best's inFlight / capacity, without division.
                        if bestIsWarm == isWarm, inFlight * entries[current].capacity >= entries[current].inFlight * capacity { continue }
                    }
                    best = slot
                    bestIsWarm = isWarm
                    // Nothing beats an idle warm node (or an idle one, when none is warm); the
                    // rotation spreads ties.
                    if inFlight == 0 && (isWarm || warmSlots.isEmpty) { break }
                }
                return (best, bestIsWarm, anyCandidate)
            }
        }
        guard anyCandidate else { return .noCandidates }
        guard let best else { return .full }
        entries[best].inFlight += 1
        if !bestIsWarm { warm[model, default: []].insert(best) }
        return .leased(NodeLease(nodeID: entries[best].id, url: entries[best].url, warm: bestIsWarm))
    }
}
