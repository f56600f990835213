import Foundation

/// A row read from either store, by column name. The accessors convert what each store returns
/// for the router's column types (SQLite's integer booleans and text dates included), and throw
/// ``SQLRow/Mismatch`` when a column is missing or of another type.
struct SQLRow: Sendable {
    /// A column that is absent, or holds something the accessor cannot read.
    struct Mismatch: Error, CustomStringConvertible {
        var column: String
        var description: String { "column '\(column)' is missing or of an unexpected type" }
    }

    var values: [String: SQLValue]

    func optionalString(_ column: String) throws -> String? {
        switch values[column] {
        case .null: return nil
        case .text(let text): return text
        default: throw Mismatch(column: column)
        }
    }

    func string(_ column: String) throws -> String {
        guard let text = try optionalString(column) else { throw Mismatch(column: column) }
        return text
    }

    func optionalInt(_ column: String) throws -> Int? {
        switch values[column] {
        case .null: return nil
        case .integer(let value): return Int(value)
        case .double(let value) where value == value.rounded(): return Int(value)
        default: throw Mismatch(column: column)
        }
    }

    func int(_ column: String) throws -> Int {
        guard let value = try optionalInt(column) else { throw Mismatch(column: column) }
        return value
    }

    func optionalDouble(_ column: String) throws -> Double? {
        switch values[column] {
        case .null: return nil
        case .double(let value): return value
        case .integer(let value): return Double(value)
        default: throw Mismatch(column: column)
        }
    }

    func double(_ column: String) throws -> Double {
        guard let value = try optionalDouble(column) else { throw Mismatch(column: column) }
        return value
    }

    func bool(_ column: String) throws -> Bool {
        switch values[column] {
        case .bool(let value): return value
        case .integer(let value): return value != 0
        default: throw Mismatch(column: column)
        }
    }

    /// A date: PostgreSQL's `timestamptz`, or the UTC text GRDB writes for SQLite
    /// (`2026-12-07 06:30:00.123`).
    func optionalDate(_ column: String) throws -> Date? {
        switch values[column] {
        case .null: return nil
        case .date(let date): return date
        case .text(let text):
            guard let date = Self.sqliteDate(text) else { throw Mismatch(column: column) }
            return date
        case .double(let seconds): return Date(timeIntervalSince1970: seconds)
        default: throw Mismatch(column: column)
        }
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw Mismatch(column: column) }
        return date
    }

    /// A JSON document kept as text.
    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(try string(column).utf8))
    }

    /// Parses `yyyy-MM-dd HH:mm:ss[.SSS]` (UTC), GRDB's storage format for dates.
    static func sqliteDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":")
        guard day.count == 3, time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Double(time[2]) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: day[0], month: day[1], day: day[2], hour: hour, minute: minute)
        guard let start = calendar.date(from: components) else { return nil }
        return start.addingTimeInterval(second)
    }
}
