import ArgumentParser
import Foundation
import GRDB

/// `switchyard-router keys create|list|revoke`: manages inference API keys in the router's
/// database (a running router picks changes up within seconds).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke inference API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Location: ParsableArguments {
        @Option(help: "The router's data directory.", completion: .directory)
        var dataDir = ServeCommand.defaultDataDirectory

        func database() throws -> DatabaseQueue {
            try RouterDatabase.open(in: URL(fileURLWithPath: dataDir))
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it (shown once).")
        @OptionGroup var location: Location
        @Option(help: "A name to recognise the key by.")
        var name: String
        @Flag(help: "Also allow the admin API and the dashboard with this key.")
        var admin = false

        func run() throws {
            let database = try location.database()
            let created = try APIKeyStore.create(name: name, admin: admin, in: database)
            print(created.secret)
            FileHandle.standardError.write(Data("key \(created.key.id) created; the secret above is not stored and cannot be shown again\n".utf8))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var location: Location

        func run() throws {
            let database = try location.database()
            for key in try APIKeyStore.list(database) {
                let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(key.id)\t\(key.prefix)…\t\(key.name)\t\(key.admin ? "admin" : "inference")\t\(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its ID.")
        @OptionGroup var location: Location
        @Argument(help: "The key's ID (see 'keys list').")
        var id: String

        func run() throws {
            let database = try location.database()
            guard try APIKeyStore.revoke(id: id, in: database) else { throw ValidationError("no active key \(id)") }
            print("revoked \(id)")
        }
    }
}
