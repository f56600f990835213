import Shared

/// A node as the router knows it.
struct Node: Sendable, Equatable, Codable {
    /// Stable ID at the router (kept across re-registrations from the same URL).
    var id: String
    /// The agent's base URL (internal: never shown to inference clients).
    var url: String
    /// A name for people.
    var name: String
    /// The agent's current instance ID.
    var instanceID: String
    var backend: String
    /// One line per device.
    var devices: [String]
    /// Requests the node runs at once.
    var capacity: Int
    /// The node's engine and where it runs GGUF models, as the agent describes it.
    var engine: String?
    /// The model IDs pulled from the node's `/v1/models`.
    var models: Set<String>
    /// Models excluded on this node after failures, until the node restarts or re-registers,
    /// or an admin clears them.
    var excluded: Set<String> = []
    /// Why and when each excluded model was excluded.
    var exclusionNotes: [String: ExclusionNote] = [:]
    /// Set for an endpoint (a server registered without an agent); nil for an agent.
    var endpoint: EndpointSettings?
    /// The models requests may be sent here for.
    var routableModels: Set<String> { models.subtracting(excluded) }

    enum CodingKeys: String, CodingKey {
        case id, url, name, backend, devices, capacity, models, excluded, engine, endpoint
        case instanceID = "instance_id"
        case exclusionNotes = "exclusion_notes"
    }
}

/// Why and when a model was excluded on a node.
struct ExclusionNote: Sendable, Equatable, Codable {
    var reason: String
    /// Unix seconds.
    var at: Int
}

/// A node with its live state, as the admin API and metrics show it.
struct NodeStatus: Sendable, Equatable {
    var node: Node
    var online: Bool
    var inFlight: Int
    /// The agent is shutting down gracefully: no new requests go there.
    var draining = false
    /// The agent came back with a new instance in the last 30 s (engines cold, exclusions lifted).
    var restarting = false
    /// Models whose engine is warm there (reported, or assumed from requests sent), sorted.
    var warmModels: [String] = []
    /// The engines its last heartbeat reported; nil for agents that do not report them.
    var engines: [EngineReport]?
    /// Seconds a new request for each model would take to finish there now, by the router's
    /// estimate (``FinishEstimate``), for models with measured speeds.
    var estimatedSeconds: [String: Double] = [:]

    /// `online`, `draining`, `restarting` or `offline`.
    var state: String {
        guard online else { return "offline" }
        return draining ? "draining" : restarting ? "restarting" : "online"
    }
}
