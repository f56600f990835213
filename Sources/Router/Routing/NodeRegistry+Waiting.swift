extension NodeRegistry {
    /// How long a request for `model` should wait for a busy node rather than take the free
    /// slot at `slot` now; nil when `slot` is expected to finish it soonest, or when nothing is
    /// measured for the model (warm-first routing only).
    ///
    /// The rule (`docs/routing.md`): a full candidate with `W` requests already waiting for the
    /// model would finish this one after draining its work (``FinishEstimate/finish(_:_:ahead:warm:)``);
    /// the free slot would finish it after one request's time there, plus the engine's
    /// measured start time when the model is cold there. When some busy node would finish it
    /// sooner, the request waits, at most as long as the free slot would cost beyond that
    /// node's own time for a request: about the start time, for a cold start against a warm
    /// node of equal speed. Asked again before the queue hands a free slot to a waiting request.
    func patience(for model: String, at slot: Int, excluding excluded: Set<String>, estimate: FinishEstimate? = nil) -> Duration? {
        guard settings.routing.isEngineAware, let list = candidates[model] else { return nil }
        let estimate = estimate ?? FinishEstimate(service: serviceSeconds[model], starts: startSeconds[model])
        guard estimate.service != nil else { return nil }
        let (warmSlots, waiting, since) = (warm[model] ?? [], queues[model]?.count ?? 0, heardSince())
        let here = estimate.finish(entries[slot], slot, ahead: 0, warm: warmSlots.contains(slot))
        var quickest: Double?
        for other in list where other != slot && !entries[other].hasFreeSlot {
            guard isOnline(other, heardSince: since), !entries[other].draining, !excluded.contains(entries[other].id),
                estimate.finish(entries[other], other, ahead: waiting, warm: warmSlots.contains(other)) < here
            else { continue }
            quickest = min(quickest ?? .infinity, estimate.seconds(at: other))
        }
        return quickest.map { .seconds(here - $0) }
    }

    /// Hands a request that waited out its patience (``Acquisition/waitForBusy(patience:)``)
    /// a free slot, if a candidate has one now; fails it with 503 when no node can take it at
    /// all any more (gone offline, or restored and never heard from); else it keeps its place.
    func stopWaiting(model: String, ticket: UInt64) {
        guard let index = queues[model]?.firstIndex(where: { $0.ticket == ticket }) else { return }
        switch tryAcquire(model: model, excluding: queues[model]![index].excluding, patient: false) {
        case .leased(let lease):
            let waiter = queues[model]!.remove(at: index)
            waitingCount -= 1
            waiter.continuation.resume(returning: lease)
        case .noCandidates:
            abandon(model: model, ticket: ticket, with: RoutingError.noCapableNodes(model: model))
        case .full, .waitForBusy:
            return
        }
    }
}
