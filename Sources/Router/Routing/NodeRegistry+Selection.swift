extension NodeRegistry {
    /// What an attempt to reserve a slot found.
    enum Acquisition: Sendable, Equatable {
        /// A slot was reserved.
        case leased(NodeLease)
        /// Candidates exist, but every one is at capacity.
        case full
        /// A candidate has a free slot, but a busy node is expected to finish the request
        /// sooner (a cold start or a far slower node would cost more): wait for a slot there,
        /// for `patience` at most, then take a free one (``NodeRegistry/stopWaiting(model:ticket:)``).
        case waitForBusy(patience: Duration)
        /// No online, non-excluded node serves the model.
        case noCandidates
    }

    /// Reserves a slot on a candidate (online, listing the model, not excluded there, not in
    /// `excluded`): the routing policy, and the place a cache-aware or endpoint-aware one plugs
    /// in. A request with a `session` key goes to its conversation's node while that node can
    /// take it (``SessionAffinity``); otherwise the policy chooses, and the conversation
    /// follows. With `patient` false, a free slot is taken even where waiting looks better.
    func tryAcquire(model: String, excluding excluded: Set<String> = [], session: String? = nil, patient: Bool = true) -> Acquisition {
        guard let list = candidates[model], !list.isEmpty else { return .noCandidates }
        guard let session else { return choose(model: model, from: list, excluding: excluded, patient: patient) }
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
        let acquisition = choose(model: model, from: list, excluding: excluded, patient: patient)
        guard case .leased(var lease) = acquisition else { return acquisition }
        sessions.record(key, node: lease.nodeID)
        lease.session = remembered == nil ? .new : .moved
        return .leased(lease)
    }

    /// The policy's choice among `list`, the model's candidates with a free slot. Warm first
    /// (``RoutingPolicy/warmFirst``, the default): a node where the model's engine is warm
    /// (ready or starting, ``warm``) wins over any cold one; among cold ones, the node with the
    /// most free memory for the engine; among equals, the one that would drain its work
    /// soonest by measured speeds (``FinishEstimate``), else the least loaded, ties in
    /// rotation. Then, when speeds are measured, the choice is weighed against waiting for a
    /// busy node (``patience(for:at:excluding:estimate:)``). The node chosen is warm from then
    /// on. One pass over the model's candidates, no allocation: the cost follows the number of
    /// nodes serving the model, not the size of the fleet.
    private func choose(model: String, from list: [Int], excluding excluded: Set<String>, patient: Bool) -> Acquisition {
        let since = heardSince()
        let aware = settings.routing.isEngineAware
        let warmSlots = aware ? warm[model] ?? [] : []
        let service = aware ? serviceSeconds[model] : nil
        let estimate = FinishEstimate(service: service, starts: service == nil ? nil : startSeconds[model])
        rotation &+= 1
        let start = rotation % list.count
        let (best, anyCandidate) = entries.withUnsafeBufferPointer { entries in
            list.withUnsafeBufferPointer { list in
                var best: Int?
                var bestIsWarm = false
                var anyCandidate = false
                for step in 0..<list.count {
                    let slot = list[start + step < list.count ? start + step : start + step - list.count]
                    // A draining node is no candidate at all: nothing waits for it either.
                    guard let lastSeen = entries[slot].lastSeen, lastSeen > since, !entries[slot].draining,
                        excluded.isEmpty || !excluded.contains(entries[slot].id)
                    else { continue }
                    anyCandidate = true
                    guard entries[slot].hasRoom else { continue }
                    let isWarm = !warmSlots.isEmpty && warmSlots.contains(slot)
                    if let current = best {
                        if isWarm != bestIsWarm {
                            guard isWarm else { continue }
                        } else if aware && !isWarm && entries[slot].freeMemory != entries[current].freeMemory {
                            guard entries[slot].freeMemory ?? -1 > entries[current].freeMemory ?? -1 else { continue }
                        } else if !estimate.isLess(entries[slot], slot, than: entries[current], current) {
                            continue
                        }
                    }
                    (best, bestIsWarm) = (slot, isWarm)
                    // Nothing beats an idle warm node (or an idle one, when warmth does not
                    // decide) unless speeds differ; the rotation spreads ties.
                    if entries[slot].inFlight == 0 && (isWarm || !aware) && estimate.service == nil { break }
                }
                return (best, anyCandidate)
            }
        }
        guard anyCandidate else { return firstWordDue(from: list).map { .waitForBusy(patience: $0) } ?? .noCandidates }
        guard let best else { return .full }
        if patient, estimate.service != nil, let patience = patience(for: model, at: best, excluding: excluded, estimate: estimate) {
            return .waitForBusy(patience: patience)
        }
        return .leased(reserve(best, for: model))
    }

    /// Takes a slot on the node at `slot` for a request for `model` — chosen, kept for a session
    /// or handed over by the queue — and marks the model warm there (its engine starts for this
    /// request if it was cold, which the lease says).
    func reserve(_ slot: Int, for model: String) -> NodeLease {
        entries[slot].inFlight += 1
        entries[slot].peakInFlight = max(entries[slot].peakInFlight, entries[slot].inFlight)
        let wasWarm = warm[model]?.contains(slot) ?? false
        if !wasWarm { warm[model, default: []].insert(slot) }
        return NodeLease(nodeID: entries[slot].id, url: entries[slot].url, warm: wasWarm, credential: entries[slot].credential, gate: gates[slot])
    }

    /// How long a request that finds no live candidate should wait rather than fail: the rest
    /// of the router's first offline window, when a candidate restored from the database has
    /// not been heard from yet. Its first heartbeat is due within that window and hands the
    /// request a slot (``dispatch(from:)``); if none comes, the request gets 503 when the window
    /// ends (``stopWaiting(model:ticket:)``). A router (or a replica) restarted under load thus
    /// answers its first requests once the fleet has spoken. Nil: no reason to wait.
    func firstWordDue(from list: [Int]) -> Duration? {
        let left = Self.nanoseconds(settings.offlineAfter) - ticks()
        guard livenessFrozenAt == nil, left > 0, list.contains(where: { entries[$0].lastSeen == nil }) else { return nil }
        return .nanoseconds(left)
    }
}
