import ArgumentParser
import Foundation
import Logging

/// Where the router's state is kept, for `serve` and `keys`: SQLite in the data directory by
/// default, or the PostgreSQL database that replicas share.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Where the router keeps its SQLite database (unless --database names PostgreSQL).", completion: .directory)
    var dataDir = Self.defaultDataDirectory

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database for several router replicas to share: postgres://user:password@host:5432/database?sslmode=require (or SWITCHYARD_DATABASE_URL).",
            valueName: "url"
        )
    )
    var database: String?

    static var defaultDataDirectory: String {
        FileManager.default.homeDirectoryForCurrentUser.path + "/.switchyard/router"
    }

    /// The database named by `--database`, or else by `SWITCHYARD_DATABASE_URL`, or else the
    /// SQLite file in the data directory.
    func location() throws -> DatabaseLocation {
        let url = database ?? ProcessInfo.processInfo.environment["SWITCHYARD_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let url else { return .sqlite(directory: URL(fileURLWithPath: dataDir)) }
        do {
            return try DatabaseLocation.postgres(url: url)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Opens the database (migrating it), runs `body` with it, and closes it.
    func withStorage<Result: Sendable>(logger: Logger, _ body: (any RouterStorage) async throws -> Result) async throws -> Result {
        switch try location() {
        case .sqlite(let directory):
            return try await body(RouterDatabase.open(in: directory))
        case .postgres(let target):
            return try await PostgresStorage.withStorage(target, logger: logger) { try await body($0) }
        }
    }
}
