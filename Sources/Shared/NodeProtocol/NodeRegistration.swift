/// What an agent sends to `POST /v0/nodes` on the router to join the fleet.
///
/// The router does not take the model list from here: it pulls the agent's `/v1/models`
/// itself, so what it routes on is exactly what the agent serves.
public struct NodeRegistration: Codable, Sendable, Equatable {
    /// The base URL under which the router reaches the agent, e.g. `http://10.0.0.7:8801`.
    public var url: String
    /// A fresh random ID for every start of the agent; a change means the node restarted.
    public var instanceID: String
    /// A name for people (the host name by default).
    public var name: String
    /// The chosen GPU backend (`cuda`, `rocm`, `vulkan`, `opencl`, `metal`, `cpu`).
    public var backend: String
    /// One line per device, for operators (e.g. `NVIDIA H100 80GB HBM3, 79.1 GiB`).
    public var devices: [String]
    /// How many requests the node runs at once.
    public var capacity: Int
    /// The node's engine for people: its build, backends and devices, and where it runs GGUF
    /// models (e.g. `llama-server b11434 (CPU, CUDA; CUDA0 …); GGUF models run on CUDA0 (…)`).
    public var engine: String?

    public init(url: String, instanceID: String, name: String, backend: String, devices: [String], capacity: Int, engine: String? = nil) {
        self.url = url
        self.instanceID = instanceID
        self.name = name
        self.backend = backend
        self.devices = devices
        self.capacity = capacity
        self.engine = engine
    }

    enum CodingKeys: String, CodingKey {
        case url, name, backend, devices, capacity, engine
        case instanceID = "instance_id"
    }
}

/// The router's answer to a successful registration.
public struct NodeRegistrationReply: Codable, Sendable, Equatable {
    /// The node's stable ID at the router (the same across re-registrations from the same URL).
    public var nodeID: String
    /// The model IDs the router pulled from the node.
    public var models: [String]
    /// How often the router expects a heartbeat, in seconds.
    public var heartbeatIntervalSeconds: Double

    public init(nodeID: String, models: [String], heartbeatIntervalSeconds: Double) {
        self.nodeID = nodeID
        self.models = models
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
    }

    enum CodingKeys: String, CodingKey {
        case models
        case nodeID = "node_id"
        case heartbeatIntervalSeconds = "heartbeat_interval_seconds"
    }
}
