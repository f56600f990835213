import Foundation
import NIOHTTP1
import Testing

/// The agent's engine pool against the real llama-server: one start for concurrent first
/// requests, crash recovery, idle unload, memory-budget eviction, preload, and rescans.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct EnginePoolTests {
    static let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
    static let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "hello"}"#

    @Test func tenConcurrentFirstRequestsStartOneEngine() async throws {
        try await withFleet(agents: 0) { fleet in
            // Ten places, so the agent admits all ten (past its slots it would answer 503 node_busy).
            let agent = try await fleet.startAgent(name: "agent-1", extraArguments: ["--slots", "10"])
            #expect(EngineProcesses.of(agent).isEmpty)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 10))
            #expect(Array(EngineProcesses.of(agent).values) == [TestEnvironment.chatModel])
        }
    }

    @Test func crashedEngineIsRestarted() async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            try #require(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status == 200)
            let first = try #require(EngineProcesses.of(agent).keys.first)
            kill(first, SIGKILL)
            try await fleet.eventually("a new engine replaces the killed one") {
                let engines = EngineProcesses.of(agent)
                return !engines.isEmpty && !engines.keys.contains(first)
            }
            try await fleet.eventually("the restarted engine answers") {
                try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status == 200
            }
            #expect(agent.log.contains("engine failed"))
        }
    }

    @Test func idleEnginesAreUnloaded() async throws {
        try await withFleet(agents: 0) { fleet in
            let agent = try await fleet.startAgent(name: "idle", extraArguments: ["--idle-unload", "1"])
            try #require(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status == 200)
            #expect(!EngineProcesses.of(agent).isEmpty)
            try await fleet.eventually("the idle engine is unloaded") { EngineProcesses.of(agent).isEmpty }
            #expect(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status == 200, "it loads again on demand")
        }
    }

    @Test func leastRecentlyUsedEngineMakesRoomWithinTheMemoryBudget() async throws {
        try await withFleet(agents: 0) { fleet in
            // By the estimate (weights + KV cache for 4 × 2048 tokens + compute allowance) SmolLM2
            // needs about 0.40 GiB and MiniLM (no KV cache) about 0.14 GiB: one fits, not both.
            let agent = try await fleet.startAgent(name: "budget", extraArguments: ["--memory-budget", "0.45"])
            try #require(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat).status == 200)
            try #require(try await fleet.callAgent(agent, .POST, "/v1/embeddings", json: Self.embedding).status == 200)
            #expect(Array(EngineProcesses.of(agent).values) == [TestEnvironment.embeddingModel])
        }
    }

    @Test func preloadedModelsStartWithTheAgent() async throws {
        try await withFleet(agents: 0) { fleet in
            let agent = try await fleet.startAgent(name: "preload", extraArguments: ["--preload", TestEnvironment.embeddingModel])
            try await fleet.eventually("the preloaded engine runs") {
                Array(EngineProcesses.of(agent).values) == [TestEnvironment.embeddingModel]
            }
        }
    }

    @Test func newModelsInTheDirectoryReachTheRouter() async throws {
        try await withFleet(agents: 0) { fleet in
            let models = try fleet.modelsDirectory("models", models: [TestEnvironment.chatModel])
            try await fleet.startAgent(name: "growing", modelsDirectory: models)
            let before = try await fleet.call(.GET, "/v1/models").body
            #expect(!before.contains(TestEnvironment.embeddingModel))
            let link = models.appendingPathComponent(TestEnvironment.embeddingModel)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: link,
                withDestinationURL: fleet.environment.modelsDirectory.appendingPathComponent(TestEnvironment.embeddingModel)
            )
            try await fleet.eventually("the router lists the new model") {
                try await fleet.call(.GET, "/v1/models").body.contains(TestEnvironment.embeddingModel)
            }
        }
    }
}
