import Shared

extension NodeRegistry {
    /// Takes in the engines a node's heartbeat reports: its warm models (ready or starting)
    /// replace what the router knew of it, including what it assumed from requests it sent.
    func recordEngines(_ reports: [EngineReport], nodeID: String, slot: Int) {
        engines[nodeID] = reports
        let warmNow = Set(reports.map(\.model))
        for (model, slots) in warm where slots.contains(slot) && !warmNow.contains(model) {
            warm[model] = slots.count == 1 ? nil : slots.subtracting([slot])
        }
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
        for (model, slots) in warm where slots.contains(slot) {
            warm[model] = slots.count == 1 ? nil : slots.subtracting([slot])
        }
        for (model, measured) in speeds where measured[slot] != nil {
            speeds[model] = measured.count == 1 ? nil : measured.filter { $0.key != slot }
        }
    }

    /// The models warm on a node (reported, or assumed from the requests sent there), sorted.
    func warmModels(slot: Int) -> [String] {
        warm.filter { $0.value.contains(slot) }.keys.sorted()
    }
}
