import Shared

extension NodeRegistry {
    /// A slot for `model`, waiting in the model's FIFO queue when every candidate is busy, or
    /// when a busy node is expected to serve it sooner than a free one (then for a while at most).
    /// - Throws: ``RoutingError``: `modelNotFound` (never advertised), `noCapableNodes` (known,
    ///   nobody can take it), `queueFull`, `queueTimeout`; `CancellationError` when the waiting
    ///   task is cancelled or the client, which `watch` watches, went away: it gives up its place.
    func lease(
        model: String,
        excluding excluded: Set<String> = [],
        session: String? = nil,
        watch: ClientDisconnectWatch? = nil
    ) async throws -> NodeLease {
        let patience: Duration?
        switch try admit(model: model, excluding: excluded, session: session) {
        case .leased(let lease): return lease
        case .waits(let wait): patience = wait
        }
        nextTicket += 1
        let ticket = nextTicket
        let (timeout, clock) = (settings.queueTimeout, self.clock)
        let timer = Task { [weak self] in
            var left = timeout
            if let patience {
                // Waiting longer than the queue allows would end in 504 while a free slot sat
                // idle: a request whose patience outlasts the timeout takes the free slot first.
                let cutoff = min(patience, timeout * 0.75)
                try await clock.sleep(for: cutoff)
                left -= cutoff
                await self?.stopWaiting(model: model, ticket: ticket)
            }
            try await clock.sleep(for: left)
            await self?.abandon(model: model, ticket: ticket, with: RoutingError.queueTimeout(model: model))
        }
        defer { timer.cancel() }
        let leave: @Sendable () -> Void = { Task { await self.abandon(model: model, ticket: ticket, with: CancellationError()) } }
        guard let watch else { return try await wait(model: model, ticket: ticket, excluding: excluded, leave: leave) }
        return try await watch.whileWatching(onClose: leave) {
            try await wait(model: model, ticket: ticket, excluding: excluded, leave: leave)
        }
    }

    /// What a request finds on arrival: a slot, or a place in the queue (with the patience of
    /// ``Acquisition/waitForBusy(patience:)``, if that is why it waits).
    private enum Admission {
        case leased(NodeLease)
        case waits(patience: Duration?)
    }

    private func admit(model: String, excluding excluded: Set<String>, session: String?) throws -> Admission {
        let roomToWait = (queues[model]?.count ?? 0) < settings.queueDepth
        switch tryAcquire(model: model, excluding: excluded, session: session) {
        case .leased(let lease):
            return .leased(lease)
        case .noCandidates:
            throw isKnown(model) ? RoutingError.noCapableNodes(model: model) : RoutingError.modelNotFound(model: model)
        case .waitForBusy(let patience) where roomToWait:
            return .waits(patience: patience)
        case .waitForBusy:
            // No room to wait: the free slot is better than an error.
            guard case .leased(let lease) = tryAcquire(model: model, excluding: excluded, session: session, patient: false) else {
                throw RoutingError.queueFull(model: model, retryAfter: 1)
            }
            return .leased(lease)
        case .full:
            guard roomToWait else { throw RoutingError.queueFull(model: model, retryAfter: 1) }
            return .waits(patience: nil)
        }
    }

    /// Waits in the model's queue until a freed slot is handed over; cancelling the task
    /// calls `leave`.
    private func wait(model: String, ticket: UInt64, excluding excluded: Set<String>, leave: @escaping @Sendable () -> Void) async throws -> NodeLease
    {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    queues[model, default: []].append(QueuedRequest(ticket: ticket, excluding: excluded, continuation: continuation))
                    waitingCount += 1
                }
            }
        } onCancel: {
            leave()
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
    /// With `excludingModel`, first stops routing that model to the node, for that reason
    /// (a failure that is the node's fault).
    func release(_ lease: NodeLease, excludingModel exclusion: (model: String, reason: String)? = nil) {
        if let exclusion { exclude(nodeID: lease.nodeID, model: exclusion.model, reason: exclusion.reason) }
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
                    waiting[index].ticket < pick?.ticket ?? .max,
                    patience(for: model, at: slot, excluding: waiting[index].excluding) == nil
                else { continue }
                pick = (model, index, waiting[index].ticket)
            }
            guard let pick else { return }
            let waiter = queues[pick.model]!.remove(at: pick.index)
            waitingCount -= 1
            waiter.continuation.resume(returning: reserve(slot, for: pick.model))
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
