import Foundation
import Logging
import PostgresNIO
import Shared
import Synchronization

extension PostgresStorage {
    /// A notification as sent between replicas.
    struct Notice: Codable {
        var origin: String
        var change: StorageChange
    }

    /// Identifies this application's advisory locks among any others on the database.
    static let leaderLock: Int64 = 0x5377_6974_6368_0001
    static let migrationLock: Int64 = 0x5377_6974_6368_0002

    /// `change` as a notification payload, from this replica. PostgreSQL caps payloads at
    /// 8,000 bytes: a heartbeat too large (engines and downloads of very many models) is sent
    /// with liveness and load only.
    func notification(_ change: StorageChange) -> String? {
        let encoder = JSONEncoder()
        guard let payload = try? encoder.encode(Notice(origin: replicaID, change: change)) else { return nil }
        if payload.count < 7_900 { return String(decoding: payload, as: UTF8.self) }
        guard case .heartbeat(let nodeID, var beat) = change else { return nil }
        (beat.engines, beat.downloads) = (nil, nil)
        return (try? encoder.encode(Notice(origin: replicaID, change: .heartbeat(nodeID: nodeID, beat: beat)))).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// Keeps one pooled connection listening for the other replicas' changes, and on it tries
    /// for the leader's advisory lock (held as long as that connection lives). After every
    /// (re)connection it asks for a ``StorageChange/resync``, since notifications sent while no
    /// connection listened are lost.
    func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        changeFeed.yield(.resync)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { try await self.watch(connection) }
                            for try await notification in notifications { deliver(notification.payload) }
                            group.cancelAll()
                        }
                    }
                    _ = try? await connection.query("SELECT pg_advisory_unlock_all()", logger: logger)
                }
            } catch  where !Task.isCancelled {
                logger.warning(
                    "lost the database connection that hears other replicas; reconnecting",
                    metadata: ["error": "\(DatabaseErrorSummary.describe(error))"]
                )
            } catch {}
            if leads.withLock({ $0 }) { logger.notice("no longer the leading replica") }
            leads.withLock { $0 = false }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Every few seconds, on the listening connection: tries for the leader's lock until it
    /// holds it, and after that checks that the connection still answers. One that fails, or
    /// does not answer within 10 s (a peer gone without closing), is closed: the listening
    /// ends, and ``listen()`` connects again.
    private func watch(_ connection: PostgresConnection) async throws {
        while !Task.isCancelled {
            let leading = leads.withLock { $0 }
            let sql: PostgresQuery = leading ? "SELECT true AS held" : "SELECT pg_try_advisory_lock(\(Self.leaderLock)) AS held"
            let held = try await withThrowingTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    for try await held in try await connection.query(sql, logger: self.logger).decode(Bool.self) { return held }
                    return false
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return nil
                }
                defer { group.cancelAll() }
                do {
                    guard let held = try await group.next() ?? nil else { throw DatabaseUnavailable(reason: "no answer within 10 s") }
                    return held
                } catch {
                    try? await connection.close()  // fails the query still waiting, and the listening
                    throw error
                }
            }
            if held && !leading {
                leads.withLock { $0 = true }
                logger.info("this replica leads: it prunes the request log")
            }
            try await Task.sleep(for: .seconds(5))
        }
    }

    private func deliver(_ payload: String) {
        guard let notice = try? JSONDecoder().decode(Notice.self, from: Data(payload.utf8)) else {
            logger.warning("ignored a notification this router cannot read")
            return
        }
        if notice.origin != replicaID { changeFeed.yield(notice.change) }
    }
}
