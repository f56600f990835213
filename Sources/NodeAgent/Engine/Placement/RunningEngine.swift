/// One running engine as `GET /v0/system` shows it: the model, where it sits, its use.
struct RunningEngine: Codable, Sendable, Equatable {
    var model: String
    var placement: Placement
    /// Requests using it now.
    var active: Int
}
