import Shared

extension NodeRegistry {
    /// Takes in the engines a node's heartbeat reports: its warm models (ready or starting)
    /// replace what the router knew of it, including what it assumed from requests it sent.
    func recordEngines(_ reports: [EngineReport], nodeID: String, slot: Int) {
        engines[nodeID] = reports
        let warmNow = Set(reports.map(\.model))
        coolDown(slot, keeping: warmNow)
        for model in warmNow {
            warm[model, default: []].insert(slot)
        }
        for report in reports {
            if let seconds = report.requestSeconds, seconds > 0 { serviceSeconds[report.model, default: [:]][slot] = seconds }
            if let seconds = report.startSeconds, seconds >= 0 { startSeconds[report.model, default: [:]][slot] = seconds }
        }
    }

    /// Forgets what was known of the engines at `slot` (its node is gone, or came back new).
    func forgetEngines(nodeID: String, slot: Int) {
        engines[nodeID] = nil
        coolDown(slot, keeping: [])
        Self.remove(slot, from: &serviceSeconds)
        Self.remove(slot, from: &startSeconds)
    }

    /// Drops the measurements of the node at `slot`.
    private static func remove(_ slot: Int, from measurements: inout [String: [Int: Double]]) {
        for (model, measured) in measurements where measured[slot] != nil {
            measurements[model] = measured.count == 1 ? nil : measured.filter { $0.key != slot }
        }
    }

    /// Marks every model but `kept` cold at `slot`.
    private func coolDown(_ slot: Int, keeping kept: Set<String>) {
        for (model, slots) in warm where slots.contains(slot) && !kept.contains(model) {
            warm[model] = slots.count == 1 ? nil : slots.subtracting([slot])
        }
    }

    /// When a new request for each of `models` would finish at `slot` now, behind the requests
    /// waiting for it, for the models whose speeds are measured (warm-first routing only).
    func estimatedSeconds(slot: Int, models: Set<String>) -> [String: Double] {
        guard settings.routing.isEngineAware else { return [:] }
        var estimates: [String: Double] = [:]
        for model in models {
            let estimate = FinishEstimate(service: serviceSeconds[model], starts: startSeconds[model])
            guard estimate.service != nil else { continue }
            let isWarm = warm[model]?.contains(slot) ?? false
            estimates[model] = estimate.finish(entries[slot], slot, ahead: queues[model]?.count ?? 0, warm: isWarm)
        }
        return estimates
    }

    /// The models warm on a node (reported, or assumed from the requests sent there), sorted.
    func warmModels(slot: Int) -> [String] {
        warm.filter { $0.value.contains(slot) }.keys.sorted()
    }
}
