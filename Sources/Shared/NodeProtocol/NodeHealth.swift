/// An agent's `GET /v0/health` document.
public struct NodeHealth: Codable, Sendable, Equatable {
    /// `ok` while the agent serves.
    public var status: String
    /// A fresh random ID for every start of the agent.
    public var instanceID: String
    /// Requests being served right now.
    public var inFlight: Int
    /// How many requests the node runs at once.
    public var capacity: Int

    /// Creates a health document.
    public init(status: String, instanceID: String, inFlight: Int, capacity: Int) {
        self.status = status
        self.instanceID = instanceID
        self.inFlight = inFlight
        self.capacity = capacity
    }

    enum CodingKeys: String, CodingKey {
        case status, capacity
        case instanceID = "instance_id"
        case inFlight = "in_flight"
    }
}
