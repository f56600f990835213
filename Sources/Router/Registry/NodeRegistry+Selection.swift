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
    /// `excluded` nodes. The cost follows the number of nodes serving the model, not the fleet.
    func tryAcquire(model: String, excluding excluded: Set<String> = []) -> Acquisition {
        var best: [Node] = []
        var bestLoad = Double.infinity
        var anyCandidate = false
        for id in nodesByModel[model] ?? [] where !excluded.contains(id) {
            guard let node = nodes[id], !node.excluded.contains(model), isOnline(node) else { continue }
            anyCandidate = true
            guard node.hasFreeSlot else { continue }
            let load = Double(node.inFlight) / Double(node.capacity)
            if load < bestLoad {
                best = [node]
                bestLoad = load
            } else if load == bestLoad {
                best.append(node)
            }
        }
        guard anyCandidate else { return .noCandidates }
        guard !best.isEmpty else { return .full }
        rotation &+= 1
        let chosen = best.count == 1 ? best[0] : best.sorted { $0.id < $1.id }[rotation % best.count]
        nodes[chosen.id]?.inFlight += 1
        return .leased(NodeLease(nodeID: chosen.id, url: chosen.url))
    }

    /// A slot for `model`, waiting in the model's FIFO queue when every candidate is busy.
    /// - Throws: ``OpenAIError``: 404 `model_not_found` (never advertised), 503
    ///   `no_capable_nodes` (known, nobody can take it), 429 `queue_full`, 504 `queue_timeout`;
    ///   `CancellationError` when the waiting task is cancelled (the client went away).
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
        waiter.continuation.resume(throwing: error)
    }

    /// Gives a slot back and hands it straight to the longest-waiting request it can serve.
    func release(_ lease: NodeLease) {
        if let node = nodes[lease.nodeID], node.inFlight > 0 {
            nodes[lease.nodeID]?.inFlight -= 1
        }
        dispatch(from: lease.nodeID)
    }

    /// While the node has free slots, gives them to the longest-waiting requests for models it
    /// can serve (one wake-up per slot, never a thundering herd).
    func dispatch(from nodeID: String) {
        while let node = nodes[nodeID], node.hasFreeSlot, isOnline(node) {
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
            nodes[nodeID]?.inFlight += 1
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
