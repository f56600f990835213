import Logging
import PostgresNIO

/// The router's schema on PostgreSQL: the tables of ``RouterDatabase`` (SQLite), in
/// PostgreSQL's types, applied in numbered migrations. Replicas starting together take turns
/// under an advisory lock, so each migration runs exactly once.
enum PostgresSchema {
    /// Each migration's statements, by version; append new ones, never edit old ones.
    static let migrations: [(version: Int, statements: [String])] = [
        (
            1,
            [
                "CREATE TABLE setting (key text PRIMARY KEY, value text NOT NULL)",
                """
                CREATE TABLE node (id text PRIMARY KEY, url text NOT NULL UNIQUE, name text NOT NULL, instance_id text NOT NULL,
                backend text NOT NULL, devices text NOT NULL, capacity integer NOT NULL, models text NOT NULL, excluded text NOT NULL,
                exclusion_notes text NOT NULL DEFAULT '{}', engine text, endpoint text)
                """,
                """
                CREATE TABLE api_key (id text PRIMARY KEY, name text NOT NULL, prefix text NOT NULL, hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL, revoked_at timestamptz, admin boolean NOT NULL DEFAULT false)
                """,
                "CREATE TABLE registered_model (id text PRIMARY KEY, document text NOT NULL)",
                """
                CREATE TABLE request_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at double precision NOT NULL,
                model text NOT NULL, node_id text, status integer NOT NULL, code text, latency_ms double precision NOT NULL,
                ttfb_ms double precision, prompt_tokens integer, completion_tokens integer)
                """,
                "CREATE INDEX request_log_at ON request_log (at)",
                "CREATE TABLE dashboard_session (hash text PRIMARY KEY, csrf text NOT NULL, last_used double precision NOT NULL)",
            ]
        )
    ]

    /// Brings the database up to the latest version.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(PostgresStorage.migrationLock))", logger: logger)
            do {
                try await apply(on: connection, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresStorage.migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(PostgresStorage.migrationLock))", logger: logger)
        }
    }

    private static func apply(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS switchyard_migration (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            logger: logger
        )
        var applied: Set<Int> = []
        for try await version in try await connection.query("SELECT version FROM switchyard_migration", logger: logger).decode(Int.self) {
            applied.insert(version)
        }
        for migration in migrations where !applied.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO switchyard_migration (version) VALUES (\(migration.version))", logger: logger)
            }
            logger.info("database migrated", metadata: ["version": "\(migration.version)"])
        }
    }
}
