import Foundation
import GRDB

/// The recent-requests table in the router's database, pruned to a retention limit. Reads and
/// writes wait on GRDB's own queue, never blocking an event loop.
struct RequestLogStore: Sendable {
    let database: DatabaseQueue
    /// Rows older than this are deleted.
    var retention: TimeInterval = 7 * 24 * 3600
    /// At most this many rows are kept.
    var maximumRows = 100_000

    func append(_ records: [RequestRecord]) async throws {
        guard !records.isEmpty else { return }
        try await database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO request_log (at, model, node_id, status, code, latency_ms, ttfb_ms, prompt_tokens, completion_tokens)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for record in records {
                try statement.execute(arguments: [
                    record.at, record.model, record.nodeID, record.status, record.code, record.latencyMs, record.firstByteMs,
                    record.promptTokens, record.completionTokens,
                ])
            }
        }
    }

    /// The most recent requests, newest first.
    func recent(limit: Int) async throws -> [RequestRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT at, model, node_id, status, code, latency_ms, ttfb_ms, prompt_tokens, completion_tokens
                    FROM request_log ORDER BY id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                RequestRecord(
                    at: row["at"],
                    model: row["model"],
                    nodeID: row["node_id"],
                    status: row["status"],
                    code: row["code"],
                    latencyMs: row["latency_ms"],
                    firstByteMs: row["ttfb_ms"],
                    promptTokens: row["prompt_tokens"],
                    completionTokens: row["completion_tokens"]
                )
            }
        }
    }

    /// Deletes rows past the retention limits.
    func prune(now: Date = Date()) async throws {
        let (retention, maximumRows) = (self.retention, self.maximumRows)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM request_log WHERE at < ?", arguments: [now.timeIntervalSince1970 - retention])
            try db.execute(
                sql: "DELETE FROM request_log WHERE id <= (SELECT id FROM request_log ORDER BY id DESC LIMIT 1 OFFSET ?)",
                arguments: [maximumRows]
            )
        }
    }
}
