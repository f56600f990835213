import Hummingbird
import Shared

/// A node as the admin API and the dashboard show it: its live state, executable models and
/// exclusions with their reasons.
struct NodeView: ResponseEncodable, Sendable {
    var id: String
    var name: String
    var url: String
    var online: Bool
    /// `online`, `restarting` (back with a new instance in the last 30 s) or `offline`.
    var state: String
    var backend: String
    var devices: [String]
    /// The node's engine and where it runs GGUF models (nil for agents that do not say).
    var engine: String?
    var capacity: Int
    var inFlight: Int
    var models: [String]
    var executableModels: [String]
    var excludedModels: [String]
    var exclusions: [Exclusion]
    /// Models whose engine is warm on the node (reported, or assumed from requests sent): the
    /// router sends their requests here first.
    var warmModels: [String]
    /// The engines the node's last heartbeat reported (state, free slots, last start time);
    /// nil for agents that do not report them.
    var engines: [EngineReport]?
    /// Seconds a new request for each model (with measured speeds) would take to finish on
    /// the node now, by the router's estimate: what speed-aware routing compares.
    var estimatedSeconds: [String: Double]
    /// `agent`, or `endpoint` for a server registered without one (no GPU report, engine
    /// states or downloads: what the router cannot know of it).
    var kind: String
    /// For an endpoint, the server software detected at registration.
    var serverType: String?

    struct Exclusion: Codable, Sendable {
        var model: String
        var reason: String?
        /// Unix seconds, when known.
        var at: Int?
    }

    enum CodingKeys: String, CodingKey {
        case id, name, url, online, state, backend, devices, engine, capacity, models
        case inFlight = "in_flight"
        case executableModels = "executable_models"
        case excludedModels = "excluded_models"
        case exclusions, engines
        case warmModels = "warm_models"
        case estimatedSeconds = "estimated_seconds"
        case kind
        case serverType = "server_type"
    }

    init(_ status: NodeStatus) {
        let node = status.node
        self.id = node.id
        self.name = node.name
        self.url = node.url
        self.online = status.online
        self.state = status.state
        self.backend = node.backend
        self.devices = node.devices
        self.engine = node.engine
        self.capacity = node.capacity
        self.inFlight = status.inFlight
        self.models = node.models.sorted()
        self.executableModels = node.routableModels.sorted()
        self.excludedModels = node.excluded.sorted()
        self.exclusions = node.excluded.sorted().map {
            Exclusion(model: $0, reason: node.exclusionNotes[$0]?.reason, at: node.exclusionNotes[$0]?.at)
        }
        self.warmModels = status.warmModels
        self.engines = status.engines
        self.estimatedSeconds = status.estimatedSeconds.mapValues { ($0 * 1000).rounded() / 1000 }
        self.kind = node.endpoint == nil ? "agent" : "endpoint"
        self.serverType = node.endpoint?.serverType.rawValue
    }
}
