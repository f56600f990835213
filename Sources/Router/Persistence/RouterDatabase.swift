import Foundation
import GRDB

/// The single router's SQLite database (GRDB), with its schema migrations.
/// (``PostgresSchema`` is the same schema for replicas.)
enum RouterDatabase {
    /// Opens (creating when needed) the database in `directory`, readable by its owner only.
    static func open(in directory: URL) throws -> SQLiteStorage {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent("router.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try checkVersion(queue)
        try migrator.migrate(queue)
        return SQLiteStorage(queue: queue)
    }

    /// A library too old for the SQL the stores share is refused at start, in words.
    struct TooOldSQLite: Error, CustomStringConvertible {
        var version: String
        var description: String { "SQLite \(version) is too old: the router needs 3.35 or newer (RETURNING); upgrade libsqlite3" }
    }

    private static func checkVersion(_ queue: DatabaseQueue) throws {
        let version = try queue.read { try String.fetchOne($0, sql: "SELECT sqlite_version()") } ?? "0"
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, (parts[0], parts[1]) >= (3, 35) else { throw TooOldSQLite(version: version) }
    }

    /// An in-memory database with the same schema, for tests.
    static func inMemory() throws -> SQLiteStorage {
        let queue = try DatabaseQueue()
        try checkVersion(queue)
        try migrator.migrate(queue)
        return SQLiteStorage(queue: queue)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-settings") { db in
            try db.create(table: "setting") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
        }
        migrator.registerMigration("v2-nodes") { db in
            try db.create(table: "node") { table in
                table.primaryKey("id", .text)
                table.column("url", .text).notNull().unique()
                table.column("name", .text).notNull()
                table.column("instance_id", .text).notNull()
                table.column("backend", .text).notNull()
                table.column("devices", .jsonText).notNull()
                table.column("capacity", .integer).notNull()
                table.column("models", .jsonText).notNull()
                table.column("excluded", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v3-api-keys") { db in
            try db.create(table: "api_key") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("prefix", .text).notNull()
                table.column("hash", .text).notNull().unique()
                table.column("created_at", .datetime).notNull()
                table.column("revoked_at", .datetime)
            }
        }
        migrator.registerMigration("v4-registered-models") { db in
            try db.create(table: "registered_model") { table in
                table.primaryKey("id", .text)
                table.column("document", .jsonText).notNull()
            }
        }
        migrator.registerMigration("v5-request-log") { db in
            try db.create(table: "request_log") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull().indexed()
                table.column("model", .text).notNull()
                table.column("node_id", .text)
                table.column("status", .integer).notNull()
                table.column("code", .text)
                table.column("latency_ms", .double).notNull()
                table.column("ttfb_ms", .double)
            }
        }
        migrator.registerMigration("v6-exclusion-notes") { db in
            try db.alter(table: "node") { table in
                table.add(column: "exclusion_notes", .jsonText).notNull().defaults(to: "{}")
            }
        }
        migrator.registerMigration("v7-admin-api-keys") { db in
            try db.alter(table: "api_key") { table in
                table.add(column: "admin", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v8-request-log-tokens") { db in
            try db.alter(table: "request_log") { table in
                table.add(column: "prompt_tokens", .integer)
                table.add(column: "completion_tokens", .integer)
            }
        }
        migrator.registerMigration("v9-node-engine") { db in
            try db.alter(table: "node") { table in
                table.add(column: "engine", .text)
            }
        }
        migrator.registerMigration("v10-endpoints") { db in
            try db.alter(table: "node") { table in
                table.add(column: "endpoint", .jsonText)
            }
        }
        migrator.registerMigration("v11-dashboard-sessions") { db in
            try db.create(table: "dashboard_session") { table in
                table.primaryKey("hash", .text)
                table.column("csrf", .text).notNull()
                table.column("last_used", .double).notNull()
            }
        }
        return migrator
    }
}
