import Foundation
import PostgresNIO

extension SQLStatement {
    /// The statement with PostgreSQL's numbered placeholders (`$1`, `$2`…) for `?`, counting
    /// only those outside quoted literals and identifiers.
    var postgresQuery: PostgresQuery {
        var text = ""
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "?" {
                number += 1
                text += "$\(number)"
                continue
            }
            text.append(character)
        }
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .text(let value): bindings.append(value)
            case .bool(let value): bindings.append(value)
            case .date(let value): bindings.append(value)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}

extension SQLValue {
    /// A cell as PostgreSQL sent it, by its column's type.
    init(_ cell: PostgresCell) {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        do {
            switch cell.dataType {
            case .bool: self = .bool(try cell.decode(Bool.self))
            case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
            case .float4, .float8: self = .double(try cell.decode(Double.self))
            case .timestamptz, .timestamp: self = .date(try cell.decode(Date.self))
            default: self = .text(try cell.decode(String.self))
            }
        } catch {
            self = .null
        }
    }
}
