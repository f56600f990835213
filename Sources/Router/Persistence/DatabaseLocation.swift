import Foundation

/// Where the router keeps its state: an SQLite file in the data directory (one router), or a
/// PostgreSQL database that several replicas share (`--database postgres://…` or
/// `SWITCHYARD_DATABASE_URL`).
enum DatabaseLocation: Sendable {
    case sqlite(directory: URL)
    case postgres(PostgresTarget)

    /// A URL that cannot be used; says why without repeating the URL, which may hold a password.
    struct InvalidURL: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads a `postgres://user:password@host:port/database?sslmode=…` URL (libpq's form).
    /// `sslmode` is `disable`, `prefer` (the default), `require` (encrypted, unverified) or
    /// `verify-full`; `host=/directory` reaches the server through its Unix socket instead.
    static func postgres(url text: String) throws(InvalidURL) -> DatabaseLocation {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme?.lowercased()) else {
            throw InvalidURL(description: "the database URL must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let username = components.percentEncodedUser?.removingPercentEncoding ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let port = components.port ?? 5432
        let endpoint: PostgresTarget.Endpoint
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .socket(path: socketDirectory + "/.s.PGSQL.\(port)")
        } else if let host = components.host, !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw InvalidURL(description: "the database URL names no host")
        }
        let mode = query["sslmode"] ?? "prefer"
        guard let sslMode = PostgresTarget.SSLMode(rawValue: mode == "allow" ? "prefer" : mode == "verify-ca" ? "verify-full" : mode) else {
            throw InvalidURL(description: "sslmode '\(mode)' is not one of disable, prefer, require, verify-full")
        }
        return .postgres(
            PostgresTarget(
                endpoint: endpoint,
                username: username,
                password: components.percentEncodedPassword?.removingPercentEncoding,
                database: path.isEmpty ? username : path,
                sslMode: sslMode
            )
        )
    }
}
