import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Storage that router replicas share: PostgreSQL through postgres-nio's connection pool.
///
/// Calls run one after another, in the order they were made, on a task of their own
/// (``withStorage(_:logger:_:)`` runs it), so ``submit(_:announcing:)`` can return at once and
/// still keep the order of an actor's writes. A change is announced with `pg_notify` inside
/// the transaction that makes it, so other replicas hear of it only once it is committed. One
/// pooled connection is kept listening for theirs (``PostgresStorage+Listening.swift``).
final class PostgresStorage: RouterStorage {
    /// A call waiting its turn; `reply` is nil for a submitted one.
    struct Job: Sendable {
        var statements: [SQLStatement]
        var change: StorageChange?
        var reply: CheckedContinuation<[SQLRow], any Error>?
    }

    /// The channel every replica listens on.
    static let channel = "switchyard_changes"

    let client: PostgresClient
    let target: PostgresTarget
    /// The pool's own logger: silent, since its messages name the server's address.
    private let poolLogger: Logger
    /// Tells this replica's own notifications from the others'.
    let replicaID = UUID().uuidString.lowercased()
    let logger: Logger
    let jobs: AsyncStream<Job>
    let jobQueue: AsyncStream<Job>.Continuation
    let changeStream: AsyncStream<StorageChange>
    let changeFeed: AsyncStream<StorageChange>.Continuation
    let leads = Mutex(false)
    /// Heartbeats to pass on, the latest per node (``PostgresStorage+Relay.swift``).
    let pendingBeats = Mutex<[String: String]>([:])
    let beatsWaiting: AsyncStream<Void>
    let beatArrived: AsyncStream<Void>.Continuation

    init(target: PostgresTarget, logger: Logger) {
        // The pool's own logs name the server's address; failures reach ours summarised.
        var poolLogger = logger
        poolLogger.logLevel = .critical
        self.poolLogger = poolLogger
        self.client = PostgresClient(configuration: target.clientConfiguration, backgroundLogger: poolLogger)
        self.target = target
        self.logger = logger
        (jobs, jobQueue) = AsyncStream.makeStream()
        (changeStream, changeFeed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        (beatsWaiting, beatArrived) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var changes: AsyncStream<StorageChange>? { changeStream }
    var isLeader: Bool { leads.withLock { $0 } }

    /// Connects, migrates the schema (under an advisory lock, so replicas starting together
    /// take turns), runs `body` with the storage, then finishes the writes queued and closes.
    static func withStorage<Result: Sendable>(
        _ target: PostgresTarget,
        logger: Logger,
        _ body: (PostgresStorage) async throws -> Result
    ) async throws -> Result {
        let storage = PostgresStorage(target: target, logger: logger)
        try await storage.check()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await storage.client.run() }
            defer { group.cancelAll() }
            // A child task starts later than this line; a lease before `run()` works but warns.
            try await Task.sleep(for: .milliseconds(50))
            try await storage.migrate(within: .seconds(20))
            // Each stops before the one it needs: the listener first, then the calls once every
            // queued one is done, then the client (a pool that has shut down never answers).
            return try await withThrowingTaskGroup(of: Void.self) { calls in
                calls.addTask { await storage.runJobs() }
                defer { storage.jobQueue.finish() }
                return try await withThrowingTaskGroup(of: Void.self) { listening in
                    listening.addTask { await storage.listen() }
                    listening.addTask { await storage.relayHeartbeats() }
                    defer { listening.cancelAll() }
                    return try await body(storage)
                }
            }
        }
    }

    /// Connects once on its own, so that a wrong address, name or credential is reported at
    /// once and in words (the pool would keep trying in silence).
    private func check() async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try target.connectionConfiguration(), id: 0, logger: poolLogger)
        } catch {
            throw DatabaseUnavailable(reason: DatabaseErrorSummary.describe(error))
        }
        try? await connection.close()
    }

    /// Migrates the schema, or throws ``DatabaseUnreachable`` when no connection is made in
    /// time (the pool would otherwise keep trying, and the router hang at start).
    private func migrate(within limit: Duration) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await PostgresSchema.migrate(self.client, logger: self.logger)
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw DatabaseUnavailable(reason: "no connection within \(limit.components.seconds) s")
            }
        }
    }

    func transaction(_ statements: [SQLStatement], announcing change: StorageChange?) async throws -> [SQLRow] {
        try await withCheckedThrowingContinuation { reply in
            if case .terminated = jobQueue.yield(Job(statements: statements, change: change, reply: reply)) {
                reply.resume(throwing: CancellationError())
            }
        }
    }

    func submit(_ statements: [SQLStatement], announcing change: StorageChange?) {
        jobQueue.yield(Job(statements: statements, change: change, reply: nil))
    }

    /// Runs the calls in order, until the queue is finished and empty.
    func runJobs() async {
        for await job in jobs {
            do {
                let rows = try await execute(job.statements, announcing: job.change)
                job.reply?.resume(returning: rows)
            } catch {
                if let reply = job.reply {
                    reply.resume(throwing: error)
                } else {
                    logger.error("cannot write to the router's database", metadata: ["error": "\(DatabaseErrorSummary.describe(error))"])
                }
            }
        }
    }

    private func execute(_ statements: [SQLStatement], announcing change: StorageChange?) async throws -> [SQLRow] {
        let notice = change.flatMap(notification).map { SQLStatement("SELECT pg_notify(?, ?)", [Self.channel, $0]) }
        // One statement needs no transaction of its own (a heartbeat's notice is one too).
        switch (statements.count, notice) {
        case (0, nil): return []
        case (0, let notice?): return try await Self.rows(of: client.query(notice.postgresQuery, logger: logger))
        case (1, nil): return try await Self.rows(of: client.query(statements[0].postgresQuery, logger: logger))
        default: break
        }
        return try await client.withTransaction(logger: logger) { connection in
            var rows: [SQLRow] = []
            for statement in statements {
                rows = try await Self.rows(of: connection.query(statement.postgresQuery, logger: logger))
            }
            if let notice { try await connection.query(notice.postgresQuery, logger: logger) }
            return rows
        }
    }

    private static func rows(of sequence: PostgresRowSequence) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for try await row in sequence {
            rows.append(SQLRow(values: Dictionary(row.map { ($0.columnName, SQLValue($0)) }, uniquingKeysWith: { first, _ in first })))
        }
        return rows
    }
}
