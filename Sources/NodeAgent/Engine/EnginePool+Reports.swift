import Shared

extension EnginePool {
    /// The warm engines among `models` (the node's executable models), for the heartbeat:
    /// managed engines loaded (with their free slots) or starting, and every model an external
    /// engine serves (always up).
    func reports(serving models: [LocalModel]) -> [EngineReport] {
        let slots = settings?.shape.slots
        return models.compactMap { model in
            let started = startDurations[model.id]?.seconds
            if catalogue.external[model.format] != nil {
                return EngineReport(model: model.id, state: .ready)
            }
            if let entry = loaded[model.id], entry.engine.isRunning {
                return EngineReport(model: model.id, state: .ready, freeSlots: slots.map { max(0, $0 - entry.active) }, startSeconds: started)
            }
            if starting[model.id] != nil {
                return EngineReport(model: model.id, state: .starting, startSeconds: started)
            }
            return nil
        }
    }
}
