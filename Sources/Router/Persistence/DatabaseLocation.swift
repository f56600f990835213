import Foundation
import NIOSSL
import PostgresNIO

/// Where the router keeps its state: an SQLite file in the data directory (one router), or a
/// PostgreSQL database that several replicas share (`--database postgres://…` or
/// `SWITCHYARD_DATABASE_URL`).
enum DatabaseLocation: Sendable {
    case sqlite(directory: URL)
    case postgres(PostgresClient.Configuration)

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
        let password = components.percentEncodedPassword?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? username : path
        let port = components.port ?? 5432
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let socket = socketDirectory + "/.s.PGSQL.\(port)"
            return .postgres(.init(unixSocketPath: socket, username: username, password: password, database: database))
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(description: "the database URL names no host") }
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(unverified)
        case "require": tls = .require(unverified)
        case "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        case let mode: throw InvalidURL(description: "sslmode '\(mode)' is not one of disable, prefer, require, verify-full")
        }
        return .postgres(.init(host: host, port: port, username: username, password: password, database: database, tls: tls))
    }
}
