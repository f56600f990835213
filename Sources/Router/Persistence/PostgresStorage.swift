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
    /// Tells this replica's own notifications from the others'.
    let replicaID = UUID().uuidString.lowercased()
    let logger: Logger
    let jobs: AsyncStream<Job>
    let jobQueue: AsyncStream<Job>.Continuation
    let changeStream: AsyncStream<StorageChange>
    let changeFeed: AsyncStream<StorageChange>.Continuation
    let leads = Mutex(false)

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        (jobs, jobQueue) = AsyncStream.makeStream()
        (changeStream, changeFeed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    var changes: AsyncStream<StorageChange>? { changeStream }
    var isLeader: Bool { leads.withLock { $0 } }

    /// Connects, migrates the schema (under an advisory lock, so replicas starting together
    /// take turns), runs `body` with the storage, then finishes the writes queued and closes.
    static func withStorage<Result: Sendable>(
        _ configuration: PostgresClient.Configuration,
        logger: Logger,
        _ body: (PostgresStorage) async throws -> Result
    ) async throws -> Result {
        let storage = PostgresStorage(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await storage.client.run() }
            group.addTask { await storage.runJobs() }
            defer { group.cancelAll() }
            // A child task starts later than this line; a lease before `run()` works but warns.
            try await Task.sleep(for: .milliseconds(50))
            try await PostgresSchema.migrate(storage.client, logger: logger)
            group.addTask { await storage.listen() }
            let result = try await body(storage)
            _ = try? await storage.transaction([], announcing: nil)  // waits for every queued write
            return result
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

    /// Runs the calls in order until cancelled; those left then are answered with an error.
    func runJobs() async {
        for await job in jobs {
            do {
                let rows = try await execute(job.statements, announcing: job.change)
                job.reply?.resume(returning: rows)
            } catch {
                if let reply = job.reply {
                    reply.resume(throwing: error)
                } else {
                    logger.error("cannot write to the router's database", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
        }
    }

    private func execute(_ statements: [SQLStatement], announcing change: StorageChange?) async throws -> [SQLRow] {
        let notice = change.flatMap(notification)
        if statements.count <= 1, notice == nil {
            guard let statement = statements.first else { return [] }
            return try await Self.rows(of: client.query(statement.postgresQuery, logger: logger))
        }
        return try await client.withTransaction(logger: logger) { connection in
            var rows: [SQLRow] = []
            for statement in statements {
                rows = try await Self.rows(of: connection.query(statement.postgresQuery, logger: logger))
            }
            if let notice {
                try await connection.query(SQLStatement("SELECT pg_notify(?, ?)", [Self.channel, notice]).postgresQuery, logger: logger)
            }
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
