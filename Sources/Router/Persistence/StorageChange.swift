import Shared

/// A change one router replica tells the others through the database (PostgreSQL's
/// `NOTIFY`), so that each applies it within a second. Each names what to re-read, not the new
/// state, except heartbeats, which are not stored.
enum StorageChange: Sendable, Equatable, Codable {
    /// A node was registered, changed (models, exclusions, restart) or removed.
    case node(id: String)
    /// A node's heartbeat reached another replica: it is alive, with this load and engines.
    case heartbeat(nodeID: String, beat: NodeHeartbeat)
    /// An API key was created or revoked.
    case keys
    /// A model was registered or its registration removed.
    case registeredModels
    /// A dashboard session was closed (logged out).
    case sessionClosed(hash: String)
    /// Notifications may have been missed (the listening connection was lost): re-read all.
    /// Never sent between replicas.
    case resync
}
