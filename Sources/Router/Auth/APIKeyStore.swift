import Foundation
import Shared

/// API keys, for inference or (with `admin`) also for the admin API and the dashboard: stored
/// as SHA-256 hashes only (the key itself is shown once, at creation), checked against an
/// in-memory set. The set is reloaded when another replica announces a change, and every few
/// seconds anyway, so keys created or revoked by the CLI on the same database take effect too.
actor APIKeyStore {
    /// A key as listed (never with its secret).
    struct Key: Codable, Sendable, Equatable {
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

    private let database: any RouterStorage
    /// Active key hashes, and whether each is an admin key.
    private var activeHashes: [String: Bool]

    /// Opens the store and loads the active keys.
    init(database: any RouterStorage) async throws {
        self.database = database
        self.activeHashes = try await Self.loadActive(database)
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
    func create(name: String, admin: Bool = false) async throws -> (key: Key, secret: String) {
        let created = try await Self.create(name: name, admin: admin, in: database)
        activeHashes[created.key.hash] = admin
        return created
    }

    /// Revokes a key; false when there is no such active key.
    func revoke(id: String) async throws -> Bool {
        let revoked = try await Self.revoke(id: id, in: database)
        try await reload()
        return revoked
    }

    /// Every key, newest first.
    func list() async throws -> [Key] {
        try await Self.list(database)
    }

    /// Re-reads the active keys (picks up changes made by the CLI or another replica).
    func reload() async throws {
        activeHashes = try await Self.loadActive(database)
    }

    static func loadActive(_ database: any RouterStorage) async throws -> [String: Bool] {
        let rows = try await database.query("SELECT hash, admin FROM api_key WHERE revoked_at IS NULL")
        return Dictionary(try rows.map { (try $0.string("hash"), try $0.bool("admin")) }, uniquingKeysWith: { $0 || $1 })
    }

    static func create(name: String, admin: Bool = false, in database: any RouterStorage) async throws -> (key: Key, secret: String) {
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
        _ = try await database.transaction(
            [
                SQLStatement(
                    "INSERT INTO api_key (id, name, prefix, hash, admin, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [key.id, key.name, key.prefix, key.hash, key.admin, key.createdAt]
                )
            ],
            announcing: .keys
        )
        return (key, secret)
    }

    static func revoke(id: String, in database: any RouterStorage) async throws -> Bool {
        let revoked = try await database.transaction(
            [SQLStatement("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id", [Date(), id])],
            announcing: .keys
        )
        return !revoked.isEmpty
    }

    static func list(_ database: any RouterStorage) async throws -> [Key] {
        try await database.query("SELECT * FROM api_key ORDER BY created_at DESC").map { row in
            Key(
                id: try row.string("id"),
                name: try row.string("name"),
                prefix: try row.string("prefix"),
                hash: try row.string("hash"),
                admin: try row.bool("admin"),
                createdAt: try row.date("created_at"),
                revokedAt: try row.optionalDate("revoked_at")
            )
        }
    }
}
