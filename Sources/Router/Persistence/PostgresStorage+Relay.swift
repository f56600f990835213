import Logging
import PostgresNIO
import Synchronization

extension PostgresStorage {
    /// Heartbeats go to the other replicas apart from the queue of calls, and only the latest
    /// of each node: a slow database then delays neither writes behind a stream of notices nor
    /// notices behind a slow write, and what waits stays one notice per node.
    func announce(_ change: StorageChange) {
        guard case .heartbeat(let nodeID, _) = change, let payload = notification(change) else {
            submit([], announcing: change)
            return
        }
        pendingBeats.withLock { $0[nodeID] = payload }
        beatArrived.yield()
    }

    /// Sends the heartbeats waiting, whenever some arrived, until cancelled.
    func relayHeartbeats() async {
        var failing = false
        for await _ in beatsWaiting {
            let beats = pendingBeats.withLock { pending in
                defer { pending = [:] }
                return Array(pending.values)
            }
            for payload in beats {
                do {
                    try await client.query(SQLStatement("SELECT pg_notify(?, ?)", [Self.channel, payload]).postgresQuery, logger: logger)
                    failing = false
                } catch {
                    // Once per outage: the next heartbeat is due in seconds anyway.
                    if !failing {
                        logger.warning(
                            "cannot pass heartbeats on to the other replicas",
                            metadata: ["error": "\(DatabaseErrorSummary.describe(error))"]
                        )
                    }
                    failing = true
                }
            }
        }
    }
}
