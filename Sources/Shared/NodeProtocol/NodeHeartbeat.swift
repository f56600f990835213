/// What an agent sends to `POST /v0/nodes/{id}/heartbeat` at every heartbeat interval.
public struct NodeHeartbeat: Codable, Sendable, Equatable {
    /// The agent's current instance ID; a change tells the router the node restarted.
    public var instanceID: String
    /// Requests the agent is serving right now.
    public var inFlight: Int
    /// A hash of the agent's `/v1/models`; a change makes the router pull the list again.
    public var modelsVersion: String

    /// Creates a heartbeat.
    public init(instanceID: String, inFlight: Int, modelsVersion: String) {
        self.instanceID = instanceID
        self.inFlight = inFlight
        self.modelsVersion = modelsVersion
    }

    enum CodingKeys: String, CodingKey {
        case instanceID = "instance_id"
        case inFlight = "in_flight"
        case modelsVersion = "models_version"
    }
}
