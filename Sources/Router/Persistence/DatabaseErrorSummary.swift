import PostgresNIO
import Shared

/// A database failure in words for logs and the operator: what the server said, or why it
/// could not be reached, never its address or the values a query carried (postgres-nio's
/// detailed descriptions hold both).
enum DatabaseErrorSummary {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else {
            return (error as? DatabaseUnavailable)?.description ?? NetworkErrorSummary.describe(error)
        }
        if let message = error.serverInfo?[.message] { return "the database answered: \(message)" }
        switch error.code {
        case .connectionError: return "cannot connect: " + (error.underlying.map(NetworkErrorSummary.describe) ?? "unreachable")
        case .serverClosedConnection: return "the server closed the connection"
        case .sslUnsupported: return "the server offers no TLS, which sslmode requires"
        case .authMechanismRequiresPassword: return "the server asks for a password, and the URL has none"
        default: return "database error: \(error.code)"
        }
    }
}

/// The database cannot be used at start: why, in words.
struct DatabaseUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "cannot use the database: \(reason)" }
}
