/// `GET /v0/models/manifests`: every registered model, for agents to sync against.
public struct RegisteredModelList: Codable, Sendable, Equatable {
    /// A hash of the list; heartbeat replies carry it so agents fetch the list only on change.
    public var version: String
    /// The registered models, sorted by ID.
    public var models: [RegisteredModel]

    /// Creates the list and its version.
    public init(models: [RegisteredModel]) {
        self.models = models.sorted { $0.id < $1.id }
        self.version = ModelsVersion.of(self.models.map { "\($0.id)@\($0.fingerprint)" })
    }
}
