import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The source design's integration and end-to-end tests (tasks 6.3–6.9 and 4.7), by their
/// numbers, against the real binaries, engine and models. 6.1/6.2 are unit tests in
/// `RouterTests/NodeRegistryTests` (candidate filtering, exclusion), 6.7/6.8 with a real engine
/// failure are `RoutingTests.killedEngineFailsOverIsExcludedAndComesBackWithItsAgent`, 6.6 is
/// `WalkingSkeletonTests.unknownModelIsNotFound`.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct SourceDesignTests {
    static let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
    static let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "hi"}"#

    @Test("6.3 registration pulls /v1/models, and is rejected when the list is empty")
    func registrationPullsTheModelList() async throws {
        try await withFleet(agents: 0) { fleet in
            try await fleet.startAgent(name: "full")
            let (_, nodes) = try await fleet.call(.GET, "/v0/nodes")
            #expect(nodes.contains(TestEnvironment.chatModel) && nodes.contains(TestEnvironment.embeddingModel))

            let empty = try fleet.modelsDirectory("empty", models: [])
            let rejected = try await fleet.startAgent(name: "empty", modelsDirectory: empty, waitForRegistration: false)
            try await fleet.eventually("the agent logs the router's reason") { rejected.log.contains("no_executable_models") }
            #expect(rejected.isRunning, "the agent keeps retrying with backoff")
            #expect(try await fleet.call(.GET, "/v0/nodes").body.components(separatedBy: "\"id\"").count == 2, "only one node registered")
        }
    }

    @Test("6.4 a request goes only to a node that lists the model")
    func requestsGoOnlyToNodesListingTheModel() async throws {
        try await withFleet(agents: 0) { fleet in
            let chatOnly = try await fleet.startAgent(
                name: "chat-only",
                modelsDirectory: try fleet.modelsDirectory("chat", models: [TestEnvironment.chatModel])
            )
            let embedOnly = try await fleet.startAgent(
                name: "embed-only",
                modelsDirectory: try fleet.modelsDirectory("embed", models: [TestEnvironment.embeddingModel])
            )
            for _ in 0..<4 {
                #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat).status == 200)
                #expect(try await fleet.call(.POST, "/v1/embeddings", json: Self.embedding).status == 200)
            }
            #expect(Array(EngineProcesses.of(chatOnly).values) == [TestEnvironment.chatModel])
            #expect(Array(EngineProcesses.of(embedOnly).values) == [TestEnvironment.embeddingModel])
        }
    }

    @Test("6.5 503 no_capable_nodes when the model's only node is offline")
    func knownModelWithoutOnlineNodesIs503() async throws {
        try await withFleet { fleet in
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat).status == 200)
            let agent = try #require(fleet.agents.first)
            agent.kill()
            try await fleet.eventually("the router notices the node is gone", timeout: .seconds(10)) {
                try await fleet.call(.GET, "/v1/models").body.contains(TestEnvironment.chatModel) == false
            }
            let response = try await fleet.send(.POST, "/v1/chat/completions", json: Self.chat)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers.first(name: "retry-after") != nil)
            let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
            #expect(body.contains("no_capable_nodes"))
            #expect(!body.contains("127.0.0.1"), "no internal address in errors")
        }
    }

    @Test("6.9 a Metal-only model goes to the Metal node, never the CUDA node")
    func metalOnlyModelNeverReachesACUDANode() async throws {
        try await withFleet(agents: 0) { fleet in
            // The real SmolLM2 weights, declared Metal-only by a manifest, offered to both nodes.
            let models = fleet.directory.appendingPathComponent("metal-models/org/metal-only")
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
            let source = fleet.environment.modelsDirectory.appendingPathComponent(TestEnvironment.chatModel)
            let weights = try #require(try FileManager.default.contentsOfDirectory(atPath: source.path).first { $0.hasSuffix(".gguf") })
            try FileManager.default.createSymbolicLink(
                at: models.appendingPathComponent(weights),
                withDestinationURL: source.appendingPathComponent(weights)
            )
            try Data(#"{"backends": ["metal"]}"#.utf8).write(to: models.appendingPathComponent("switchyard.json"))
            let root = fleet.directory.appendingPathComponent("metal-models")
            try FileManager.default.createSymbolicLink(
                at: root.appendingPathComponent("org/chat"),
                withDestinationURL: source
            )
            // This Linux host has no Metal: the Metal node's engine is a llama-server declared
            // external, as a Mac's engine would be (the managed engine here would truthfully
            // run on the CPU, which a Metal-only artifact refuses).
            let external = try await ExternalEngine.start(in: fleet, serving: TestEnvironment.chatModel)
            defer { external.process.kill() }
            try await fleet.startAgent(
                name: "metal",
                modelsDirectory: root,
                extraArguments: ["--backend", "metal", "--engine", "gguf=\(external.url)"]
            )
            let cuda = try await fleet.startAgent(name: "cuda", modelsDirectory: root, extraArguments: ["--backend", "cuda"])

            let body = #"{"model": "org/metal-only", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
            for _ in 0..<8 {
                #expect(try await fleet.call(.POST, "/v1/chat/completions", json: body).status == 200)
            }
            #expect(try await external.tokensPredicted() >= 8, "the Metal node's engine answered")
            #expect(!EngineProcesses.of(cuda).values.contains("org/metal-only"), "the CUDA node ran the Metal-only model")
            let (_, verdicts) = try await fleet.callAgent(cuda, .GET, "/v0/models")
            #expect(verdicts.contains("the manifest limits this artifact to Metal; this host is CUDA"))
        }
    }

    @Test("4.7 /v1/models aggregates nodes and drops an offline node's models within 10 s")
    func modelsAggregateAndLeaveWithTheirNode() async throws {
        try await withFleet(agents: 0) { fleet in
            let chatOnly = try await fleet.startAgent(
                name: "chat-only",
                modelsDirectory: try fleet.modelsDirectory("chat", models: [TestEnvironment.chatModel])
            )
            try await fleet.startAgent(
                name: "embed-only",
                modelsDirectory: try fleet.modelsDirectory("embed", models: [TestEnvironment.embeddingModel])
            )
            let both = try await fleet.call(.GET, "/v1/models").body
            #expect(both.contains(TestEnvironment.chatModel) && both.contains(TestEnvironment.embeddingModel))
            chatOnly.kill()
            let gone = ContinuousClock.now
            try await fleet.eventually("the chat model leaves /v1/models", timeout: .seconds(10)) {
                try await fleet.call(.GET, "/v1/models").body.contains(TestEnvironment.chatModel) == false
            }
            #expect(ContinuousClock.now - gone < .seconds(10))
            #expect(try await fleet.call(.GET, "/v1/models").body.contains(TestEnvironment.embeddingModel))
        }
    }
}
