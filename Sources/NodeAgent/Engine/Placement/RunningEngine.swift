/// One running engine as `GET /v0/system` shows it: the model, where it sits, its use.
struct RunningEngine: Codable, Sendable, Equatable {
    var model: String
    var placement: Placement
    /// Where the engine itself says it put the model (nil when its log did not say).
    var load: EngineLoad?
    /// Requests using it now.
    var active: Int
}
