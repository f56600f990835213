import Foundation

/// The recent-requests table in the router's database, pruned to a retention limit. Calls go
/// through the storage's own queue, never blocking an event loop.
struct RequestLogStore: Sendable {
    let database: any RouterStorage
    /// Rows older than this are deleted.
    var retention: TimeInterval = 7 * 24 * 3600
    /// At most this many rows are kept.
    var maximumRows = 100_000

    private static let columns = "at, model, node_id, status, code, latency_ms, ttfb_ms, prompt_tokens, completion_tokens"

    /// Appends the records in one transaction, 100 rows per statement: few round trips to
    /// PostgreSQL, under SQLite's 999 parameters, and few statement texts for SQLite to prepare
    /// once and keep.
    func append(_ records: [RequestRecord]) async throws {
        guard !records.isEmpty else { return }
        let statements = stride(from: 0, to: records.count, by: 100).map { start in
            let chunk = records[start..<min(start + 100, records.count)]
            var binds: [any SQLBindable] = []
            binds.reserveCapacity(chunk.count * 9)
            for record in chunk {
                binds +=
                    [
                        record.at, record.model, record.nodeID, record.status, record.code, record.latencyMs, record.firstByteMs,
                        record.promptTokens, record.completionTokens,
                    ] as [any SQLBindable]
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            return SQLStatement("INSERT INTO request_log (\(Self.columns)) VALUES \(rows)", binds)
        }
        _ = try await database.transaction(statements, announcing: nil)
    }

    /// The most recent requests, newest first.
    func recent(limit: Int) async throws -> [RequestRecord] {
        try await database.query("SELECT \(Self.columns) FROM request_log ORDER BY id DESC LIMIT ?", [limit]).map { row in
            RequestRecord(
                at: try row.double("at"),
                model: try row.string("model"),
                nodeID: try row.optionalString("node_id"),
                status: try row.int("status"),
                code: try row.optionalString("code"),
                latencyMs: try row.double("latency_ms"),
                firstByteMs: try row.optionalDouble("ttfb_ms"),
                promptTokens: try row.optionalInt("prompt_tokens"),
                completionTokens: try row.optionalInt("completion_tokens")
            )
        }
    }

    /// Deletes rows past the retention limits.
    func prune(now: Date = Date()) async throws {
        _ = try await database.transaction(
            [
                SQLStatement("DELETE FROM request_log WHERE at < ?", [now.timeIntervalSince1970 - retention]),
                SQLStatement("DELETE FROM request_log WHERE id <= (SELECT id FROM request_log ORDER BY id DESC LIMIT 1 OFFSET ?)", [maximumRows]),
            ],
            announcing: nil
        )
    }
}
