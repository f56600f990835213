import Shared

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
    /// rotation). Candidates: online nodes listing the model, where it is not excluded, minus
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

    /// A slot for `model`, waiting in the model's FIFO queue when every candidate is busy.
    /// - Throws: ``OpenAIError``: 404 `model_not_found` (never advertised), 503
    ///   `no_capable_nodes` (known, nobody can take it), 429 `queue_full`, 504 `queue_timeout`;
    ///   `CancellationError` when the waiting task is cancelled (the client went away): it
    ///   gives up its place.
    func lease(model: String, excluding excluded: Set<String> = []) async throws -> NodeLease {
        switch tryAcquire(model: model, excluding: excluded) {
        case .leased(let lease):
            return lease
        case .noCandidates:
            throw isKnown(model) ? OpenAIError.noCapableNodes(model) : OpenAIError.modelNotFound(model)
        case .full:
            guard (queues[model]?.count ?? 0) < settings.queueDepth else {
                throw OpenAIError.queueFull(model, retryAfter: 1)
            }
        }
        nextTicket += 1
        let ticket = nextTicket
        let timeout = settings.queueTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.abandon(model: model, ticket: ticket, with: OpenAIError.queueTimeout(model))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    queues[model, default: []].append(QueuedRequest(ticket: ticket, excluding: excluded, continuation: continuation))
                    waitingCount += 1
                }
            }
        } onCancel: {
            Task { await self.abandon(model: model, ticket: ticket, with: CancellationError()) }
        }
    }

    /// Removes a waiting request (timed out or cancelled) and fails it.
    func abandon(model: String, ticket: UInt64, with error: any Error) {
        guard let index = queues[model]?.firstIndex(where: { $0.ticket == ticket }) else { return }
        let waiter = queues[model]!.remove(at: index)
        waitingCount -= 1
        waiter.continuation.resume(throwing: error)
    }

    /// Gives a slot back and hands it straight to the longest-waiting request it can serve.
    func release(_ lease: NodeLease) {
        guard let slot = slots[lease.nodeID] else { return }
        entries[slot].inFlight = max(0, entries[slot].inFlight - 1)
        if waitingCount > 0 { dispatch(from: lease.nodeID) }
    }

    /// While the node has free slots, gives them to the longest-waiting requests for models it
    /// can serve (one wake-up per slot, never a thundering herd).
    func dispatch(from nodeID: String) {
        let since = heardSince()
        while waitingCount > 0, let node = nodes[nodeID], let slot = slots[nodeID], entries[slot].hasFreeSlot, isOnline(slot, heardSince: since) {
            var pick: (model: String, index: Int, ticket: UInt64)?
            for model in node.routableModels {
                guard let waiting = queues[model],
                    let index = waiting.firstIndex(where: { !$0.excluding.contains(nodeID) }),
                    waiting[index].ticket < pick?.ticket ?? .max
                else { continue }
                pick = (model, index, waiting[index].ticket)
            }
            guard let pick else { return }
            let waiter = queues[pick.model]!.remove(at: pick.index)
            waitingCount -= 1
            entries[slot].inFlight += 1
            waiter.continuation.resume(returning: NodeLease(nodeID: nodeID, url: node.url))
        }
    }

    /// Requests waiting for `model`.
    func queueDepth(_ model: String) -> Int {
        queues[model]?.count ?? 0
    }

    /// Requests waiting, by model (every model that ever had a queue, so gauges fall to zero).
    func queueDepths() -> [String: Int] {
        queues.mapValues(\.count)
    }
}
