/// Where the router keeps what must outlive a process: SQLite (``SQLiteStorage``) for one
/// router, PostgreSQL (``PostgresStorage``) for replicas that share it. The stores write their
/// SQL once, in the dialect both understand (``SQLStatement``), and read rows by column name.
///
/// Every call runs after every call made before it, so a read sees this replica's own writes
/// even when they were only ``submit(_:announcing:)``ted.
protocol RouterStorage: Sendable {
    /// Runs the statements in one transaction and returns the rows of the last one. Once it is
    /// committed, the other replicas are told `change`.
    func transaction(_ statements: [SQLStatement], announcing change: StorageChange?) async throws -> [SQLRow]

    /// Queues the statements (one transaction) and returns at once: for writes made inside an
    /// actor, whose order matters but whose callers must not wait. A failure is logged.
    func submit(_ statements: [SQLStatement], announcing change: StorageChange?)

    /// What other replicas changed, and ``StorageChange/resync`` whenever some of it may have
    /// been missed; nil where there are no other replicas (SQLite).
    var changes: AsyncStream<StorageChange>? { get }

    /// Whether this replica does the upkeep only one replica should do, such as pruning the
    /// request log. SQLite's single router always does; PostgreSQL replicas take turns through
    /// an advisory lock.
    var isLeader: Bool { get }

    /// Tells the other replicas `change` without writing anything (a heartbeat heard here).
    func announce(_ change: StorageChange)
}

extension RouterStorage {
    /// Runs one statement and returns its rows.
    func query(_ sql: String, _ binds: [any SQLBindable] = []) async throws -> [SQLRow] {
        try await transaction([SQLStatement(sql, binds)], announcing: nil)
    }

    /// Announces through the queue of calls, in order with the writes.
    func announce(_ change: StorageChange) {
        submit([], announcing: change)
    }
}
