/// One running engine as `GET /v0/system` shows it: the model, where it sits, its use.
struct RunningEngine: Codable, Sendable, Equatable {
    var model: String
    var placement: Placement
    /// Requests using it now.
    var active: Int
}

extension EnginePool {
    /// The engines running now, by model ID.
    var runningEngines: [RunningEngine] {
        loaded.values.sorted { $0.model.id < $1.model.id }.map {
            RunningEngine(model: $0.model.id, placement: $0.placement, active: $0.active)
        }
    }

    /// Memory held on each device now.
    var deviceMemory: [DeviceLedger.Account] { ledger.accounts }
}
