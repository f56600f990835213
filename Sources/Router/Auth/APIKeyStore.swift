import Foundation
import GRDB
import Shared

/// API keys, for inference or (with `admin`) also for the admin API and the dashboard: stored as SHA-256 hashes only (the key itself is shown once, at
/// creation), checked against an in-memory set that is reloaded from the database every few
/// seconds, so keys created or revoked by the CLI on the same database take effect too.
actor APIKeyStore {
    /// A key as listed (never with its secret).
    struct Key: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "api_key"
        var id: String
        var name: String
        /// The first characters of the key, to tell keys apart.
        var prefix: String
        var hash: String
        /// Whether the key also opens the admin API and the dashboard.
        var admin: Bool
        var createdAt: Date
        var revokedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, hash, admin
            case createdAt = "created_at"
            case revokedAt = "revoked_at"
        }
    }

    private let database: DatabaseQueue
    /// Active key hashes, and whether each is an admin key.
    private var activeHashes: [String: Bool]

    /// Opens the store and loads the active keys.
    init(database: DatabaseQueue) throws {
        self.database = database
        self.activeHashes = try Self.loadActive(database)
    }

    /// Whether `secret` is an active key.
    func isValid(_ secret: String) -> Bool {
        activeHashes[RouterSecrets.hash(secret)] != nil
    }

    /// Whether `secret` is an active admin key.
    func isAdmin(_ secret: String) -> Bool {
        activeHashes[RouterSecrets.hash(secret)] == true
    }

    /// Creates a key; returns it with its secret, which is not stored and cannot be shown again.
    func create(name: String, admin: Bool = false) throws -> (key: Key, secret: String) {
        let created = try Self.create(name: name, admin: admin, in: database)
        activeHashes[created.key.hash] = admin
        return created
    }

    /// Revokes a key; false when there is no such active key.
    func revoke(id: String) throws -> Bool {
        let revoked = try Self.revoke(id: id, in: database)
        try reload()
        return revoked
    }

    /// Every key, newest first.
    func list() throws -> [Key] {
        try Self.list(database)
    }

    /// Re-reads the active keys (picks up changes made by the CLI).
    func reload() throws {
        activeHashes = try Self.loadActive(database)
    }

    static func loadActive(_ database: DatabaseQueue) throws -> [String: Bool] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT hash, admin FROM api_key WHERE revoked_at IS NULL")
            return Dictionary(rows.map { ($0["hash"], $0["admin"]) }, uniquingKeysWith: { $0 || $1 })
        }
    }

    static func create(name: String, admin: Bool = false, in database: DatabaseQueue) throws -> (key: Key, secret: String) {
        let secret = "sy-" + RouterSecrets.randomToken()
        let key = Key(
            id: UUID().uuidString.lowercased(),
            name: name,
            prefix: String(secret.prefix(10)),
            hash: RouterSecrets.hash(secret),
            admin: admin,
            createdAt: Date(),
            revokedAt: nil
        )
        try database.write { try key.insert($0) }
        return (key, secret)
    }

    static func revoke(id: String, in database: DatabaseQueue) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Date(), id])
            return db.changesCount > 0
        }
    }

    static func list(_ database: DatabaseQueue) throws -> [Key] {
        try database.read { try Key.order(Column("created_at").desc).fetchAll($0) }
    }
}
