import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// `switchyard-router endpoints add|list|remove`: registers OpenAI-compatible servers with a
/// running router through its admin API (`/v0/endpoints`), the admin key taken from
/// `SWITCHYARD_ADMIN_KEY` (never from the command line, where other users could read it).
struct EndpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints",
        abstract: "Register, list and remove OpenAI-compatible servers routed to without an agent.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: "The running router's base URL.")
        var router = "http://127.0.0.1:8800"

        /// Sends an admin request; returns the status and body, or fails with the router's message.
        func send(_ method: HTTPMethod, _ path: String, json: Data? = nil) async throws -> ByteBuffer {
            guard let key = ProcessInfo.processInfo.environment["SWITCHYARD_ADMIN_KEY"], !key.isEmpty else {
                throw ValidationError("set SWITCHYARD_ADMIN_KEY to the router's admin key")
            }
            var request = HTTPClientRequest(url: router.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)
            request.method = method
            request.headers.add(name: "authorization", value: "Bearer \(key)")
            if let json {
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: json))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 4 << 20)
            guard (200..<300).contains(response.status.code) else {
                let message = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: [String: Any]])?["error"]?["message"]
                throw ValidationError("the router answered \(response.status.code): \(message as? String ?? String(buffer: body))")
            }
            return body
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a server by its base URL (its /v1/models is pulled now).")
        @OptionGroup var connection: Connection
        @Argument(help: "The server's base URL, such as http://gpu-box:8080.")
        var url: String
        @Option(help: "An environment variable holding the key to present to the server.")
        var apiKeyEnv: String?
        @Option(help: "A name for people (default: the host).")
        var name: String?
        @Option(help: "Requests it runs at once (default: its slots where it says, else 4).")
        var capacity: Int?
        @Option(name: .customLong("model"), help: "Route only this model to it (repeatable; default: every model it lists).")
        var models: [String] = []

        func run() async throws {
            var body: [String: Any] = ["url": url]
            if let apiKeyEnv {
                guard let key = ProcessInfo.processInfo.environment[apiKeyEnv], !key.isEmpty else { throw ValidationError("\(apiKeyEnv) is not set") }
                body["api_key"] = key
            }
            if let name { body["name"] = name }
            if let capacity { body["capacity"] = capacity }
            if !models.isEmpty { body["models"] = models }
            let answer = try await connection.send(.POST, "/v0/endpoints", json: JSONSerialization.data(withJSONObject: body))
            let node = try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any] ?? [:]
            print(
                "registered \(node["id"] as? String ?? "?") (\(node["server_type"] as? String ?? "?")): \((node["models"] as? [String] ?? []).joined(separator: ", "))"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered endpoints (never their keys).")
        @OptionGroup var connection: Connection

        func run() async throws {
            let answer = try await connection.send(.GET, "/v0/endpoints")
            let document = try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]
            for node in document?["endpoints"] as? [[String: Any]] ?? [] {
                let fields = [node["id"], node["name"], node["server_type"], node["state"], node["url"]].map { $0.map { "\($0)" } ?? "" }
                print((fields + [(node["models"] as? [String] ?? []).joined(separator: ",")]).joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint by its ID.")
        @OptionGroup var connection: Connection
        @Argument(help: "The endpoint's ID (see 'endpoints list').")
        var id: String

        func run() async throws {
            _ = try await connection.send(.DELETE, "/v0/endpoints/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)")
            print("removed \(id)")
        }
    }
}
