import ArgumentParser
import Foundation
import Logging

/// `switchyard-router keys create|list|revoke`: manages inference API keys in the router's
/// database (a running router picks changes up within seconds).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke inference API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it (shown once).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A name to recognise the key by.")
        var name: String
        @Flag(help: "Also allow the admin API and the dashboard with this key.")
        var admin = false

        func run() async throws {
            let created = try await database.withStorage(logger: KeysCommand.logger) {
                try await APIKeyStore.create(name: name, admin: admin, in: $0)
            }
            print(created.secret)
            FileHandle.standardError.write(Data("key \(created.key.id) created; the secret above is not stored and cannot be shown again\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for key in try await database.withStorage(logger: KeysCommand.logger, { try await APIKeyStore.list($0) }) {
                let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(key.id)\t\(key.prefix)…\t\(key.name)\t\(key.admin ? "admin" : "inference")\t\(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its ID.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The key's ID (see 'keys list').")
        var id: String

        func run() async throws {
            guard try await database.withStorage(logger: KeysCommand.logger, { try await APIKeyStore.revoke(id: id, in: $0) }) else {
                throw ValidationError("no active key \(id)")
            }
            print("revoked \(id)")
        }
    }

    /// Logs the database's own warnings only.
    static var logger: Logger {
        var logger = Logger(label: "switchyard-router")
        logger.logLevel = .warning
        return logger
    }
}
