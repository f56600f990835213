import Foundation
import Logging
import Testing

@testable import SwitchyardRouter

/// The two stores behind the storage seam, for tests that run the same checks on both:
/// SQLite in memory, and a new database in the tests' private PostgreSQL cluster
/// (`SWITCHYARD_TEST_POSTGRES`, started by `scripts/test.sh`).
enum StorageKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The kinds this run can test: PostgreSQL only where its cluster is running (always in CI).
    static var available: [StorageKind] {
        TestPostgresCluster.baseURL != nil || ProcessInfo.processInfo.environment["CI"] == "true" ? allCases : [.sqlite]
    }

    /// Runs `body` with a new, empty store of this kind.
    func withStorage<T: Sendable>(_ body: (any RouterStorage) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(RouterDatabase.inMemory())
        case .postgres:
            return try await TestPostgresCluster.withNewDatabase { url in
                try await TestPostgresCluster.withStorage(url) { try await body($0) }
            }
        }
    }
}

/// The tests' private PostgreSQL cluster.
enum TestPostgresCluster {
    static var baseURL: String? {
        ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates a new database, runs `body` with its URL, and drops it afterwards.
    static func withNewDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        guard let baseURL else { throw TestFailure("SWITCHYARD_TEST_POSTGRES is not set: scripts/test.sh starts the tests' PostgreSQL") }
        let name = "router_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try psql(baseURL + "/postgres", "CREATE DATABASE \(name)")
        do {
            let result = try await body(baseURL + "/\(name)?sslmode=disable")
            try? psql(baseURL + "/postgres", "DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? psql(baseURL + "/postgres", "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Opens the PostgreSQL store at `url` (migrating it), as a replica does.
    static func withStorage<T: Sendable>(_ url: String, _ body: (PostgresStorage) async throws -> T) async throws -> T {
        guard case .postgres(let target) = try DatabaseLocation.postgres(url: url) else { throw TestFailure("not a PostgreSQL URL") }
        var logger = Logger(label: "test.storage")
        logger.logLevel = .warning
        return try await PostgresStorage.withStorage(target, logger: logger, body)
    }

    static func psql(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [database, "-qtAX", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("psql failed: \(sql)") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
