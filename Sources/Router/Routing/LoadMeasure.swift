/// How loaded a candidate is, to compare two: without measured speeds, the share of its
/// capacity in flight (least loaded); with them (the agents' reported tokens/s of the model on
/// each node), when the request would finish if it joined, (in flight + 1) / (capacity ×
/// speed), so a slow node takes only the share it serves well and is still used when the fast
/// ones are full. A node not measured yet counts as half as fast as the slowest measured one:
/// cautious, yet it gets some work early, and with it a measurement.
struct LoadMeasure {
    /// Measured speeds by entry index; nil when speeds do not decide.
    let speeds: [Int: Double]?
    /// The speed assumed for a node not measured yet.
    private let unmeasured: Double

    init(speeds: [Int: Double]?) {
        let slowest = speeds?.values.min()
        self.speeds = slowest == nil ? nil : speeds
        self.unmeasured = (slowest ?? 2) / 2
    }

    /// When a request would finish at the node at `slot`, in units of one sequence's time on a
    /// speed-1 node, with `ahead` requests already waiting for it (speeds only).
    func finish(_ entry: RoutingEntry, _ slot: Int, ahead: Int) -> Double {
        Double(entry.inFlight + 1 + ahead) / (Double(entry.capacity) * (speeds?[slot] ?? unmeasured))
    }

    /// Whether the node at `slot` is less loaded than the one at `other`, without division.
    func isLess(_ entry: RoutingEntry, _ slot: Int, than best: RoutingEntry, _ other: Int) -> Bool {
        guard let speeds else { return entry.inFlight * best.capacity < best.inFlight * entry.capacity }
        let (speed, bestSpeed) = (speeds[slot] ?? unmeasured, speeds[other] ?? unmeasured)
        return Double(entry.inFlight + 1) * Double(best.capacity) * bestSpeed < Double(best.inFlight + 1) * Double(entry.capacity) * speed
    }
}
