import Foundation

/// The tests' private PostgreSQL cluster, which `scripts/test.sh` starts with
/// `scripts/postgres/cluster.sh` and names in `SWITCHYARD_TEST_POSTGRES` (its base URL).
enum TestPostgres {
    static var baseURL: String? {
        ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the replica tests run: with the engine and models, and the cluster (always in CI,
    /// where a missing cluster fails them).
    static var shouldRun: Bool { TestEnvironment.shouldRun && (baseURL != nil || TestEnvironment.isCI) }

    /// Creates a new, empty database and returns its URL.
    static func createDatabase() throws -> String {
        guard let baseURL else { throw HarnessError("SWITCHYARD_TEST_POSTGRES is not set: scripts/test.sh starts the tests' PostgreSQL") }
        let name = "switchyard_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        _ = try psql(baseURL + "/postgres", "CREATE DATABASE \(name)")
        return baseURL + "/\(name)?sslmode=disable"
    }

    /// Runs one statement with `psql` and returns its rows, one per line, columns split by `|`.
    static func psql(_ database: String, _ sql: String) throws -> String {
        try TestEnvironment.output(of: URL(fileURLWithPath: "/usr/bin/psql"), [database, "-qtAX", "-c", sql])
    }
}

extension Fleet {
    /// Starts a router replica on `database`: it becomes the fleet's ``router``, and its URL
    /// the fleet's ``routerURL``.
    @discardableResult
    func startReplica(database: String, port: Int = 0, extraArguments: [String] = []) async throws -> (process: ManagedProcess, url: String) {
        try await startRouter(port: port, extraArguments: ["--database", database] + extraArguments)
        return (router, routerURL)
    }
}
