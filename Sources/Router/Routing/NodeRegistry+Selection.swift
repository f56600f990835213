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
    /// in. A request with a `session` key goes to its conversation's node while that node can
    /// take it (``SessionAffinity``); otherwise the policy chooses, and the conversation
    /// follows. Warm first (``RoutingPolicy/warmFirst``, the default): among candidates with a
    /// free slot, one where the model's engine is warm (ready or starting, ``warm``) wins over
    /// any cold one, so a cold engine is started only when every warm node is at capacity.
    /// Among equals, the least loaded (in flight relative to capacity), ties in rotation. The
    /// node chosen is warm from then on: its engine is starting for this request. One pass over
    /// the model's candidate list, no allocation: the cost follows the number of nodes serving
    /// the model, not the size of the fleet.
    func tryAcquire(model: String, excluding excluded: Set<String> = [], session: String? = nil) -> Acquisition {
        guard let list = candidates[model], !list.isEmpty else { return .noCandidates }
        guard let session else { return choose(model: model, from: list, excluding: excluded) }
        // A conversation stays on its node while that node can take it: online, still a
        // candidate (not excluded), not in `excluded` (failed this request), with a free slot.
        let key = SessionAffinity.key(model: model, session: session)
        let remembered = sessions.node(for: key)
        if let nodeID = remembered, let slot = slots[nodeID], list.contains(slot), !excluded.contains(nodeID),
            isOnline(slot, heardSince: heardSince()), entries[slot].hasFreeSlot
        {
            var lease = reserve(slot, for: model)
            lease.session = .kept
            return .leased(lease)
        }
        let acquisition = choose(model: model, from: list, excluding: excluded)
        guard case .leased(var lease) = acquisition else { return acquisition }
        sessions.record(key, node: lease.nodeID)
        lease.session = remembered == nil ? .new : .moved
        return .leased(lease)
    }

    /// The policy's choice among `list`, the model's candidates (see ``tryAcquire(model:excluding:session:)``).
    private func choose(model: String, from list: [Int], excluding excluded: Set<String>) -> Acquisition {
        let since = heardSince()
        let warmSlots = warm[model] ?? []
        let preferWarm = settings.routing == .warmFirst && !warmSlots.isEmpty
        let load = LoadMeasure(speeds: settings.routing == .warmFirst ? speeds[model] : nil)
        rotation &+= 1
        let start = rotation % list.count
        let (best, anyCandidate) = entries.withUnsafeBufferPointer { entries in
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
                    let isWarm = preferWarm && warmSlots.contains(slot)
                    if let current = best {
                        if bestIsWarm && !isWarm { continue }
                        if bestIsWarm == isWarm, !load.isLess(entries[slot], slot, than: entries[current], current) { continue }
                    }
                    best = slot
                    bestIsWarm = isWarm
                    // Nothing beats an idle warm node (or an idle one, when warmth does not
                    // decide) unless speeds differ; the rotation spreads ties.
                    if inFlight == 0 && (isWarm || !preferWarm) && load.speeds == nil { break }
                }
                return (best, anyCandidate)
            }
        }
        guard anyCandidate else { return .noCandidates }
        guard let best else { return .full }
        if load.speeds != nil, betterToWait(model: model, than: best, excluding: excluded, load: load) { return .full }
        return .leased(reserve(best, for: model))
    }

    /// Takes a slot on the node at `slot` for a request for `model` — chosen, kept for a session
    /// or handed over by the queue — and marks the model warm there (its engine starts for this
    /// request if it was cold, which the lease says).
    func reserve(_ slot: Int, for model: String) -> NodeLease {
        entries[slot].inFlight += 1
        let wasWarm = warm[model]?.contains(slot) ?? false
        if !wasWarm { warm[model, default: []].insert(slot) }
        return NodeLease(nodeID: entries[slot].id, url: entries[slot].url, warm: wasWarm)
    }

    /// Whether a request for `model` should rather wait for a busy node than take the free slot
    /// at `slot`: when speeds are measured and some full candidate would still finish it sooner,
    /// after the requests already waiting (a node many times slower is then not worth it). Also
    /// asked before the queue hands a slow node's free slot to a waiting request.
    /// `load` is the caller's measure of the model's speeds, when it has one.
    func betterToWait(model: String, than slot: Int, excluding excluded: Set<String>, load: LoadMeasure? = nil) -> Bool {
        guard settings.routing == .warmFirst, let measured = speeds[model], let list = candidates[model] else { return false }
        let load = load ?? LoadMeasure(speeds: measured)
        let (here, waiting, since) = (load.finish(entries[slot], slot, ahead: 0), queues[model]?.count ?? 0, heardSince())
        return list.contains { other in
            other != slot && !entries[other].hasFreeSlot && isOnline(other, heardSince: since)
                && !excluded.contains(entries[other].id) && load.finish(entries[other], other, ahead: waiting) < here
        }
    }
}
