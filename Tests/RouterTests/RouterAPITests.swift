import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Shared
import Testing

@testable import SwitchyardRouter

/// The router's HTTP surface in process: authentication, validation and error envelopes.
@Suite struct RouterAPITests {
    func withRouter(_ test: @escaping @Sendable (any TestClientProtocol, NodeRegistry) async throws -> Void) async throws {
        let registry = NodeRegistry(settings: RegistrySettings())
        let configuration = RouterConfiguration(dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        let secrets = RouterSecrets(adminKeyHash: RouterSecrets.hash("admin"), nodeToken: "node", generated: [])
        let router = buildRouter(
            configuration,
            secrets: secrets,
            registry: registry,
            registrations: RegisteredModels(store: nil),
            keys: try await APIKeyStore(database: RouterDatabase.inMemory()),
            client: HTTPClient.shared,
            forwarder: UpstreamForwarder(client: UpstreamClient()),
            hub: HubClient(client: HTTPClient.shared, settings: HubSettings())
        )
        try await Application(router: router).test(.router) { client in
            try await test(client, registry)
        }
    }

    static let admin: HTTPFields = [.authorization: "Bearer admin"]

    func envelope(_ response: TestResponse) throws -> OpenAIError.Body {
        try JSONDecoder().decode(OpenAIError.Envelope.self, from: response.body).error
    }

    @Test func inferenceNeedsAValidKey() async throws {
        try await withRouter { client, _ in
            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic YWRtaW4="]] {
                let response = try await client.execute(uri: "/v1/models", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(try envelope(response).code == "invalid_api_key")
            }
        }
    }

    @Test func nodeTokenIsNotAnAPIKey() async throws {
        try await withRouter { client, _ in
            let response = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer node"])
            #expect(response.status == .unauthorized)
        }
    }

    @Test func modelsListIsTheUnionOfOnlineNodes() async throws {
        try await withRouter { client, registry in
            let registration = NodeRegistration(url: "http://a", instanceID: "i", name: "a", backend: "cpu", devices: [], capacity: 1)
            _ = await registry.register(registration, models: ["org/b", "a"])
            let response = try await client.execute(uri: "/v1/models", method: .get, headers: Self.admin)
            #expect(response.status == .ok)
            let list = try JSONDecoder().decode(ModelList.self, from: response.body)
            #expect(list.data.map(\.id) == ["a", "org/b"])
            let one = try await client.execute(uri: "/v1/models/org/b", method: .get, headers: Self.admin)
            #expect(one.status == .ok)
            let encoded = try await client.execute(uri: "/v1/models/org%2Fb", method: .get, headers: Self.admin)
            #expect(encoded.status == .ok, "the OpenAI SDKs percent-encode the slash")
            let missing = try await client.execute(uri: "/v1/models/org/zzz", method: .get, headers: Self.admin)
            #expect(missing.status == .notFound)
        }
    }

    @Test func badBodiesAreRejectedBeforeRouting() async throws {
        try await withRouter { client, _ in
            let noModel = try await client.execute(
                uri: "/v1/chat/completions",
                method: .post,
                headers: Self.admin,
                body: ByteBuffer(string: #"{"messages":[]}"#)
            )
            #expect(noModel.status == .badRequest)
            #expect(try envelope(noModel).param == "model")
            let unknown = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Self.admin,
                body: ByteBuffer(string: #"{"model":"ghost","prompt":"x"}"#)
            )
            #expect(unknown.status == .notFound)
            #expect(try envelope(unknown).code == "model_not_found")
        }
    }

    @Test func unknownModelsShareOneMetricsSeries() async throws {
        try await withRouter { client, _ in
            for name in ["ghost-1", "ghost-2"] {
                let body = ByteBuffer(string: #"{"model":"\#(name)","prompt":"x"}"#)
                let response = try await client.execute(uri: "/v1/completions", method: .post, headers: Self.admin, body: body)
                #expect(response.status == .notFound)
            }
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(!metrics.contains("ghost"), "a name a client made up is not a label")
            #expect(metrics.contains(#"switchyard_requests_total{model="(unknown)",node="none",status="404"} 2"#))
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await withRouter { client, _ in
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: (16 << 20) + 1)
            let response = try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.admin, body: huge)
            #expect(response.status == .contentTooLarge)
            #expect(try envelope(response).code == "request_too_large")
        }
    }

    @Test func unknownRoutesAnswerInTheEnvelope() async throws {
        try await withRouter { client, _ in
            let response = try await client.execute(uri: "/v1/nothing", method: .get, headers: Self.admin)
            #expect(response.status == .notFound)
            #expect(try envelope(response).type == "invalid_request_error")
        }
    }

    @Test func registrationIsRejectedWhenTheModelListCannotBeFetched() async throws {
        try await withRouter { client, registry in
            let body = #"{"url":"http://127.0.0.1:1","instance_id":"i","name":"n","backend":"cpu","devices":[],"capacity":1}"#
            let response = try await client.execute(
                uri: "/v0/nodes",
                method: .post,
                headers: [.authorization: "Bearer node"],
                body: ByteBuffer(string: body)
            )
            #expect(response.status == .unprocessableContent)
            #expect(try envelope(response).code == "model_list_unavailable")
            #expect(!String(buffer: response.body).contains("127.0.0.1"), "internal addresses never appear in answers")
            #expect(await registry.snapshot().isEmpty)
        }
    }

    /// The parts of `GET /v0/nodes` that routing explains itself with.
    struct NodeList: Decodable {
        struct Node: Decodable {
            var warmModels: [String]
            var estimatedSeconds: [String: Double]
        }
        var routing: String
        var nodes: [Node]
    }

    @Test func theNodeListSaysThePolicyAndEachNodesEstimate() async throws {
        try await withRouter { client, registry in
            let id = await registry.register(NodeRegistryTests.registration("http://a", capacity: 2), models: ["m", "n"])
            let engines = [EngineReport(model: "m", state: .ready, startSeconds: 3, requestSeconds: 0.5)]
            _ = await registry.heartbeat(nodeID: id, NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: "", engines: engines))
            let response = try await client.execute(uri: "/v0/nodes", method: .get, headers: Self.admin)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let list = try decoder.decode(NodeList.self, from: response.body)
            #expect(list.routing == "warm-first")
            #expect(list.nodes.first?.warmModels == ["m"])
            #expect(list.nodes.first?.estimatedSeconds == ["m": 0.5], "measured for m only")
        }
    }

    /// The parts of Anthropic's model list these tests read.
    struct AnthropicModels: Decodable {
        struct Model: Decodable {
            var type: String
            var id: String
        }
        var data: [Model]
        var hasMore: Bool
        var lastId: String?
    }

    func anthropicError(_ response: TestResponse) throws -> AnthropicError.Document {
        try JSONDecoder().decode(AnthropicError.Document.self, from: response.body)
    }

    @Test func anthropicClientsSendTheirKeyInXAPIKeyAndGetAnthropicErrors() async throws {
        try await withRouter { client, _ in
            let body = ByteBuffer(string: #"{"model":"nobody-serves-this","max_tokens":4,"messages":[]}"#)
            let withKey: HTTPFields = [.xAPIKey: "admin", .anthropicVersion: "2023-06-01"]
            let missing = try await client.execute(uri: "/v1/messages", method: .post, headers: withKey, body: body)
            #expect(missing.status == .notFound)
            #expect(
                try anthropicError(missing)
                    == AnthropicError.Document(
                        error: .init(type: "not_found_error", message: "The model 'nobody-serves-this' does not exist or no node serves it.")
                    )
            )
            let wrong = try await client.execute(uri: "/v1/messages/count_tokens", method: .post, headers: [.xAPIKey: "nope"], body: body)
            #expect(wrong.status == .unauthorized)
            #expect(try anthropicError(wrong).error.type == "authentication_error")
            let bearerWins = try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer nope", .xAPIKey: "admin"])
            #expect(bearerWins.status == .unauthorized, "an Authorization header is the one checked")
            let openAI = try await client.execute(uri: "/v1/chat/completions", method: .post, headers: [.xAPIKey: "admin"], body: body)
            #expect(try envelope(openAI).code == "model_not_found", "OpenAI's endpoints keep OpenAI's envelope")
        }
    }

    @Test func theModelListSpeaksAnthropicsShapeToAnthropicClients() async throws {
        try await withRouter { client, registry in
            _ = await registry.register(NodeRegistryTests.registration("http://a"), models: ["org/c", "org/a", "org/b"])
            let headers: HTTPFields = [.xAPIKey: "admin", .anthropicVersion: "2023-06-01"]
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let first = try await client.execute(uri: "/v1/models?limit=2", method: .get, headers: headers)
            let page = try decoder.decode(AnthropicModels.self, from: first.body)
            #expect(page.data.map(\.id) == ["org/a", "org/b"] && page.data.allSatisfy { $0.type == "model" })
            #expect(page.hasMore && page.lastId == "org/b")
            let next = try await client.execute(uri: "/v1/models?limit=2&after_id=org/b", method: .get, headers: headers)
            let rest = try decoder.decode(AnthropicModels.self, from: next.body)
            #expect(rest.data.map(\.id) == ["org/c"] && !rest.hasMore)
            let before = try await client.execute(uri: "/v1/models?limit=1&before_id=org/c", method: .get, headers: headers)
            let previous = try decoder.decode(AnthropicModels.self, from: before.body)
            #expect(previous.data.map(\.id) == ["org/b"] && previous.hasMore, "org/a comes before it")
            let badLimit = try await client.execute(uri: "/v1/models?limit=0", method: .get, headers: headers)
            #expect(badLimit.status == .badRequest)
            let one = try await client.execute(uri: "/v1/models/org/a", method: .get, headers: headers)
            #expect(try decoder.decode(AnthropicModels.Model.self, from: one.body).id == "org/a")
            let openAI = try await client.execute(uri: "/v1/models", method: .get, headers: Self.admin)
            #expect(try JSONDecoder().decode(ModelList.self, from: openAI.body).data.count == 3, "without anthropic-version: OpenAI's list")
        }
    }
}
