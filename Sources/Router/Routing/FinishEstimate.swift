/// When a request for one model would finish on each candidate, from what agents measure: the
/// engine seconds one request takes on the node (``Shared/EngineReport/requestSeconds``) and,
/// where the engine is cold, how long it takes to start (``Shared/EngineReport/startSeconds``).
///
/// A node with a free slot starts the request at once and finishes it one request's time later
/// (after a start, when cold); a full node first works off what is in flight and waiting
/// before it, `capacity` at a time, so the request ends when the node has drained it. To order nodes that can all take the request now, the time
/// the node needs for everything it has plus this request, (in flight + 1) × seconds /
/// capacity, spreads the work by speed, so a slow node takes only the share it serves well and
/// is still used when the fast ones are saturated. A node not measured yet counts as twice as
/// slow as the slowest measured one: cautious, yet it gets some work early, and with it a
/// measurement. Without any measurement for the model, nodes compare by their share of
/// capacity in flight (least loaded).
struct FinishEstimate {
    /// Measured engine seconds per request by entry index; nil when speeds do not decide.
    let service: [Int: Double]?
    /// Measured start seconds by entry index.
    private let starts: [Int: Double]
    /// The seconds assumed for a node not measured yet.
    private let unmeasured: Double
    /// The start time assumed where the model never started: the slowest start measured.
    private let unmeasuredStart: Double

    init(service: [Int: Double]?, starts: [Int: Double]?) {
        let slowest = service?.values.max()
        self.service = slowest == nil ? nil : service
        self.unmeasured = (slowest ?? 0.5) * 2
        self.starts = starts ?? [:]
        self.unmeasuredStart = starts?.values.max() ?? 0
    }

    /// Engine seconds one request takes at `slot`.
    func seconds(at slot: Int) -> Double {
        service?[slot] ?? unmeasured
    }

    /// Seconds the node at `slot` needs for its work in flight, `ahead` requests waiting and this one.
    func drain(_ entry: RoutingEntry, _ slot: Int, ahead: Int) -> Double {
        Double(entry.inFlight + ahead + 1) * seconds(at: slot) / Double(entry.capacity)
    }

    /// Seconds until a new request would finish at `slot`, with `ahead` requests waiting before
    /// it there, plus the engine's start when it is not `warm`.
    func finish(_ entry: RoutingEntry, _ slot: Int, ahead: Int, warm: Bool) -> Double {
        // Queued, it waits (in flight + ahead + 1 - capacity) × seconds / capacity for a slot,
        // then takes `seconds`: the drain time.
        (warm ? 0 : starts[slot] ?? unmeasuredStart) + max(seconds(at: slot), drain(entry, slot, ahead: ahead))
    }

    /// Whether the node at `slot` would do better by this request than the one at `other`:
    /// sooner drained with it (by measured speeds), else less loaded; without division.
    func isLess(_ entry: RoutingEntry, _ slot: Int, than best: RoutingEntry, _ other: Int) -> Bool {
        guard service != nil else { return entry.inFlight * best.capacity < best.inFlight * entry.capacity }
        return Double(entry.inFlight + 1) * Double(best.capacity) * seconds(at: slot)
            < Double(best.inFlight + 1) * Double(entry.capacity) * seconds(at: other)
    }
}
