import Foundation
import GRDB
import Logging

/// The single router's storage: one SQLite file through GRDB, whose serial queue gives every
/// call its order. There are no other replicas: nothing is announced, and this router leads.
struct SQLiteStorage: RouterStorage {
    let queue: DatabaseQueue
    var logger = Logger(label: "switchyard.storage")

    var changes: AsyncStream<StorageChange>? { nil }
    var isLeader: Bool { true }

    func transaction(_ statements: [SQLStatement], announcing change: StorageChange?) async throws -> [SQLRow] {
        try await queue.write { db in try Self.run(statements, in: db) }
    }

    func submit(_ statements: [SQLStatement], announcing change: StorageChange?) {
        guard !statements.isEmpty else { return }
        let logger = logger
        queue.asyncWrite(
            { db in _ = try Self.run(statements, in: db) },
            completion: { _, result in
                if case .failure(let error) = result {
                    logger.error("cannot write to the router's database", metadata: ["error": "\(error)"])
                }
            }
        )
    }

    private static func run(_ statements: [SQLStatement], in db: Database) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for statement in statements {
            // Prepared once per database connection and SQL text, then reused.
            let prepared = try db.cachedStatement(sql: statement.sql)
            try prepared.setArguments(StatementArguments(statement.binds.map(\.databaseValue)))
            guard prepared.columnCount > 0 else {  // nothing to read back
                try prepared.execute()
                rows = []
                continue
            }
            rows = try Row.fetchAll(prepared).map { row in
                SQLRow(values: Dictionary(zip(row.columnNames, row.databaseValues.map(SQLValue.init)), uniquingKeysWith: { first, _ in first }))
            }
        }
        return rows
    }
}

extension SQLValue {
    /// The value as GRDB binds it: booleans as integers, dates as UTC text.
    fileprivate var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .double(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .bool(let value): value.databaseValue
        case .date(let value): value.databaseValue
        }
    }

    /// A value as SQLite stored it.
    fileprivate init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let value): self = .integer(value)
        case .double(let value): self = .double(value)
        case .string(let value): self = .text(value)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
