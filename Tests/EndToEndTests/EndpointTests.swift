import Foundation
import NIOHTTP1
import Testing

/// Agentless endpoints: plain `llama-server`s registered by the operator next to an agent, one
/// serving a single model behind an API key and one in router mode over a models directory.
/// Clients reach every model through one router; an endpoint that dies leaves and comes back
/// by itself; its key appears in no answer or log.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct EndpointTests {
    static let secret = "endpoint-secret-5b1e"
    static let routed = "smollm2-routed"

    /// The parts of a node view these tests read.
    struct NodeDocument: Decodable {
        var id: String
        var kind: String
        var serverType: String?
        var capacity: Int
        var online: Bool
        var models: [String]
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func register(_ fleet: Fleet, _ json: String) async throws -> (status: Int, body: String) {
        try await fleet.call(.POST, "/v0/endpoints", json: json)
    }

    static func models(_ fleet: Fleet) async throws -> Set<String> {
        Set(try JSONDecoder().decode(ModelListDocument.self, from: Data(try await fleet.call(.GET, "/v1/models").body.utf8)).data.map(\.id))
    }

    /// Anthropic's error document.
    struct AnthropicErrorDocument: Decodable {
        struct Detail: Decodable {
            var type: String
            var message: String
        }
        var type: String
        var error: Detail
    }

    struct ModelListDocument: Decodable {
        struct Entry: Decodable { var id: String }
        var data: [Entry]
    }

    static func chat(_ model: String) -> String {
        #"{"model": "\#(model)", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
    }

    @Test func bareAndRouterModeServersServeNextToAnAgentAndAFailedOneComesBack() async throws {
        try await withFleet(agents: 0, routerArguments: ["--heartbeat-interval", "0.5"]) { fleet in
            let chat = TestEnvironment.chatModel
            try await fleet.startAgent(
                name: "agent",
                modelsDirectory: try fleet.modelsDirectory("agent-models", models: [TestEnvironment.embeddingModel])
            )
            let bare = try await ExternalEngine.start(
                in: fleet,
                serving: chat,
                extraArguments: ["--api-key", Self.secret, "--alias", TestEnvironment.chatModel]
            )
            let routerModels = fleet.directory.appendingPathComponent("router-mode-models")
            try FileManager.default.createDirectory(at: routerModels, withIntermediateDirectories: true)
            let gguf = try FileManager.default.contentsOfDirectory(atPath: fleet.environment.modelsDirectory.appendingPathComponent(chat).path).first
            { $0.hasSuffix(".gguf") }
            try FileManager.default.createSymbolicLink(
                at: routerModels.appendingPathComponent("\(Self.routed).gguf"),
                withDestinationURL: fleet.environment.modelsDirectory.appendingPathComponent(chat).appendingPathComponent(try #require(gguf))
            )
            let routerMode = try await ExternalEngine.startRouterMode(in: fleet, modelsDirectory: routerModels)
            defer { routerMode.process.kill() }

            // Registration pulls each server's models and tells what it is; the key stays secret.
            let single = try await Self.register(
                fleet,
                #"{"url": "http://127.0.0.1:\#(bare.port)/v1", "api_key": "\#(Self.secret)", "name": "bare"}"#
            )
            #expect(single.status == 201, "\(single.body)")
            let bareNode = try Self.decoder.decode(NodeDocument.self, from: Data(single.body.utf8))
            #expect(bareNode.kind == "endpoint" && bareNode.serverType == "llama-server" && bareNode.models == [chat])
            // The second through the CLI.
            let added = try fleet.endpointsCommand(["add", "http://127.0.0.1:\(routerMode.port)", "--capacity", "2", "--name", "router-mode"])
            #expect(added.hasPrefix("registered ") && added.contains("(llama-server-router): \(Self.routed)"), "\(added)")

            // Clients reach all models through the one router.
            #expect(try await Self.models(fleet) == [chat, Self.routed, TestEnvironment.embeddingModel])
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(chat)).status == 200)
            // The endpoint's own error on Anthropic's API comes back in Anthropic's shape.
            let badMessage = #"{"model": "\#(chat)", "max_tokens": "many", "messages": [{"role": "user", "content": "Hi"}]}"#
            let refused = try await fleet.call(.POST, "/v1/messages", json: badMessage, headers: ["anthropic-version": "2023-06-01"])
            let told = try JSONDecoder().decode(AnthropicErrorDocument.self, from: Data(refused.body.utf8))
            #expect(refused.status == 400 && told.type == "error" && told.error.type == "invalid_request_error", "\(refused.body)")
            let first = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.routed))
            #expect(first.status == 200, "\(first.body)")
            let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "trains"}"#
            #expect(try await fleet.call(.POST, "/v1/embeddings", json: embedding).status == 200)

            // The bare server dies: its model leaves within the poll interval × 3, with the
            // documented error meanwhile, and the rest of the fleet carries on.
            bare.process.kill()
            try await fleet.eventually("the dead endpoint's model leaves /v1/models", timeout: .seconds(5)) {
                try await !Self.models(fleet).contains(chat)
            }
            let gone = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(chat))
            #expect(gone.status == 503, "\(gone.body)")
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.routed)).status == 200)
            #expect(try await fleet.call(.POST, "/v1/embeddings", json: embedding).status == 200)

            // It comes back on its port: served again without an operator.
            let restarted = try await ExternalEngine.start(
                in: fleet,
                serving: chat,
                port: bare.port,
                extraArguments: ["--api-key", Self.secret, "--alias", TestEnvironment.chatModel]
            )
            defer { restarted.process.kill() }
            try await fleet.eventually("the endpoint serves again", timeout: .seconds(10)) {
                try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(chat)).status == 200
            }

            // The key is in no answer and no log line of the router.
            for path in ["/v0/nodes", "/v0/endpoints", "/v0/nodes/\(bareNode.id)"] {
                #expect(!(try await fleet.call(.GET, path).body.contains(Self.secret)), "\(path) shows the key")
            }
            #expect(!fleet.router.log.contains(Self.secret))
            let listed = try fleet.endpointsCommand(["list"]).split(separator: "\n")
            // `restarting`: it came back within the last 30 s.
            #expect(listed.count == 2 && listed.contains { $0.hasPrefix(bareNode.id + "\tbare\tllama-server\trestarting") }, "\(listed)")

            // Endpoints, their keys included, survive a router restart.
            try await fleet.restartRouter()
            try await fleet.eventually("both endpoints serve after the router restarted", timeout: .seconds(10)) {
                let answers = [
                    try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(chat)).status,
                    try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.routed)).status,
                ]
                return answers == [200, 200]
            }
        }
    }

    @Test func serversThatCannotListModelsAreRefusedWithTheRightCode() async throws {
        try await withFleet(agents: 0) { fleet in
            let engine = try await ExternalEngine.start(
                in: fleet,
                serving: TestEnvironment.chatModel,
                extraArguments: ["--api-key", Self.secret, "--alias", TestEnvironment.chatModel]
            )
            defer { engine.process.kill() }
            func code(_ json: String) async throws -> String? {
                let (status, body) = try await Self.register(fleet, json)
                #expect(status == 422 || status == 400, "\(body)")
                return APISurfaceTests.code(body)
            }
            #expect(try await code(#"{"url": "http://127.0.0.1:\#(engine.port)"}"#) == "model_list_unavailable", "no key: 401")
            #expect(try await code(#"{"url": "http://127.0.0.1:1"}"#) == "model_list_unavailable", "nobody there")
            let filtered = #"{"url": "http://127.0.0.1:\#(engine.port)", "api_key": "\#(Self.secret)", "models": ["other"]}"#
            #expect(try await code(filtered) == "no_executable_models")
            #expect(try await fleet.call(.POST, "/v0/endpoints", json: #"{"url": "ftp://x"}"#).status == 400)
            #expect(try await fleet.call(.GET, "/v0/endpoints").body.contains(#""endpoints":[]"#))
            #expect(!fleet.router.log.contains(Self.secret))
        }
    }
}
