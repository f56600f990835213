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
            if let speed = report.tokensPerSecond, speed > 0 { speeds[report.model, default: [:]][slot] = speed }
        }
    }

    /// Forgets what was known of the engines at `slot` (its node is gone, or came back new).
    func forgetEngines(nodeID: String, slot: Int) {
        engines[nodeID] = nil
        coolDown(slot, keeping: [])
        for (model, measured) in speeds where measured[slot] != nil {
            speeds[model] = measured.count == 1 ? nil : measured.filter { $0.key != slot }
        }
    }

    /// Marks every model but `kept` cold at `slot`.
    private func coolDown(_ slot: Int, keeping kept: Set<String>) {
        for (model, slots) in warm where slots.contains(slot) && !kept.contains(model) {
            warm[model] = slots.count == 1 ? nil : slots.subtracting([slot])
        }
    }

    /// The models warm on a node (reported, or assumed from the requests sent there), sorted.
    func warmModels(slot: Int) -> [String] {
        warm.filter { $0.value.contains(slot) }.keys.sorted()
    }
}
