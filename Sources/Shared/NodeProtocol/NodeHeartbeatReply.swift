/// The router's answer to a heartbeat.
public struct NodeHeartbeatReply: Codable, Sendable, Equatable {
    /// The version of the registered-model list; when it differs from the one the agent synced,
    /// the agent fetches `GET /v0/models/manifests`.
    public var registrationsVersion: String

    public init(registrationsVersion: String) {
        self.registrationsVersion = registrationsVersion
    }

    enum CodingKeys: String, CodingKey {
        case registrationsVersion = "registrations_version"
    }
}
