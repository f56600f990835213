import NIOSSL
import PostgresNIO

/// A PostgreSQL server and database as a `postgres://` URL names it, made into what the
/// connection pool and a single connection each need.
struct PostgresTarget: Sendable {
    enum Endpoint: Sendable {
        case tcp(host: String, port: Int)
        /// The server's socket file (`/run/postgresql/.s.PGSQL.5432`).
        case socket(path: String)
    }

    /// libpq's `sslmode`, as far as it applies here.
    enum SSLMode: String, Sendable {
        case disable, prefer, require
        /// Encrypted, and the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    var endpoint: Endpoint
    var username: String
    var password: String?
    var database: String
    var sslMode = SSLMode.prefer

    /// For the pool the router works with.
    var clientConfiguration: PostgresClient.Configuration {
        switch endpoint {
        case .socket(let path):
            return .init(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS =
                switch sslMode {
                case .disable: .disable
                case .prefer: .prefer(Self.unverified)
                case .require: .require(Self.unverified)
                case .verifyFull: .require(.makeClientConfiguration())
                }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }

    /// For one connection of its own (a check at start).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .socket(let path):
            return .init(unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS =
                switch sslMode {
                case .disable: .disable
                case .prefer: .prefer(try NIOSSLContext(configuration: Self.unverified))
                case .require: .require(try NIOSSLContext(configuration: Self.unverified))
                case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }

    private static var unverified: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
