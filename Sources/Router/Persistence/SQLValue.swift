import Foundation

/// A value bound to a statement or read from a row, in the few types the router's tables use.
/// Both stores map it to their own types: SQLite keeps booleans as integers and dates as text,
/// PostgreSQL has `boolean` and `timestamptz`.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)
}

/// Swift values that bind as an ``SQLValue``; optionals bind as `NULL` when nil.
protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLBindable {
    var sqlValue: SQLValue { .double(self) }
}

extension String: SQLBindable {
    var sqlValue: SQLValue { .text(self) }
}

extension Bool: SQLBindable {
    var sqlValue: SQLValue { .bool(self) }
}

extension Date: SQLBindable {
    var sqlValue: SQLValue { .date(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One statement in the dialect both stores share: `?` placeholders, standard SQL with
/// `ON CONFLICT` and `RETURNING` (SQLite 3.35+, any PostgreSQL in support).
struct SQLStatement: Sendable {
    var sql: String
    var binds: [SQLValue]

    init(_ sql: String, _ binds: [any SQLBindable] = []) {
        self.sql = sql
        self.binds = binds.map(\.sqlValue)
    }
}
