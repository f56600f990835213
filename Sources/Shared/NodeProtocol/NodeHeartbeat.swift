/// What an agent sends to `POST /v0/nodes/{id}/heartbeat` at every heartbeat interval.
public struct NodeHeartbeat: Codable, Sendable, Equatable {
    /// The agent's current instance ID; a change tells the router the node restarted.
    public var instanceID: String
    /// Requests the agent is serving right now.
    public var inFlight: Int
    /// A hash of the agent's `/v1/models`; a change makes the router pull the list again.
    public var modelsVersion: String
    /// Where each registered model stands on this node (absent from agents that sync none).
    public var downloads: [DownloadReport]?
    /// The engines that are warm (ready or starting); absent from agents that do not say, whose
    /// warmth the router then learns only from where it sent requests.
    public var engines: [EngineReport]?
    /// Memory, in bytes, the node's engines could still load a model into without stopping
    /// another (summed over its devices): where a model must start cold, the router prefers
    /// the node with the most.
    public var freeMemoryBytes: Int64?
    /// True once the agent began a graceful shutdown: it finishes what it has, and the router
    /// sends it nothing new (absent otherwise).
    public var draining: Bool?

    public init(
        instanceID: String,
        inFlight: Int,
        modelsVersion: String,
        downloads: [DownloadReport]? = nil,
        engines: [EngineReport]? = nil,
        freeMemoryBytes: Int64? = nil,
        draining: Bool? = nil
    ) {
        self.instanceID = instanceID
        self.inFlight = inFlight
        self.modelsVersion = modelsVersion
        self.downloads = downloads
        self.engines = engines
        self.freeMemoryBytes = freeMemoryBytes
        self.draining = draining
    }

    enum CodingKeys: String, CodingKey {
        case instanceID = "instance_id"
        case inFlight = "in_flight"
        case modelsVersion = "models_version"
        case downloads, engines, draining
        case freeMemoryBytes = "free_memory_bytes"
    }
}
