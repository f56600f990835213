import Foundation
import NIOHTTP1
import Testing

/// The GPU path end to end on this machine's real Vulkan device, Mesa's lavapipe (a software
/// Vulkan implementation, so these prompts and answers are tiny): the agent, with software
/// devices allowed, chooses Vulkan, starts the Vulkan engine on it, and the engine itself
/// reports the model's layers on `Vulkan0`. The same host with the CPU-only installation of the
/// same engine gets CPU verdicts that say why.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct GPUEngineTests {
    /// The parts of `GET /v0/system` these tests read.
    struct SystemDocument: Decodable {
        struct Engine: Decodable {
            var backends: [String]
            var devices: [Device]
        }
        struct Device: Decodable { var name: String }
        struct Target: Decodable {
            var backend: String
            var devices: [Device]
            var note: String?
        }
        struct Running: Decodable {
            struct Placement: Decodable { var devices: [String] }
            struct Load: Decodable {
                var offloadedLayers: Int
                var layers: Int
            }
            var model: String
            var placement: Placement
            var load: Load?
        }
        var backend: String
        var engine: Engine?
        var engineTarget: Target?
        var runningEngines: [Running]?
    }

    /// The parts of `GET /v0/models` these tests read.
    struct VerdictsDocument: Decodable {
        struct Entry: Decodable {
            struct Memory: Decodable {
                var weightsBytes: Int64
                var kvCacheBytes: Int64
                var totalBytes: Int64
            }
            var id: String
            var format: String
            var executable: Bool
            var runsOn: String?
            var note: String?
            var memory: Memory?
        }
        var models: [Entry]
    }

    /// An agent's document at `path`, decoded (snake-case keys).
    static func get<Document: Decodable>(_ type: Document.Type, _ path: String, from agent: ManagedProcess, in fleet: Fleet) async throws -> Document
    {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(try await fleet.callAgent(agent, .GET, path).body.utf8))
    }

    static let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
    static let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "hi"}"#

    /// What an engine said in its own log about where it loaded its model.
    static func engineLog(of model: String, in fleet: Fleet, agent name: String) throws -> String {
        let file = fleet.directory.appendingPathComponent("\(name)-engines/\(model.replacingOccurrences(of: "/", with: "--")).log")
        return try String(contentsOf: file, encoding: .utf8)
    }

    /// The engine's `offloaded N/M layers to GPU` figures.
    static func offloaded(_ log: String) -> (Int, Int)? {
        guard let match = log.firstMatch(of: /offloaded (\d+)\/(\d+) layers to GPU/), let done = Int(match.1), let all = Int(match.2) else {
            return nil
        }
        return (done, all)
    }

    @Test func theVulkanEngineRunsChatAndEmbeddingsOnTheVulkanDevice() async throws {
        try await withFleet(agents: 0) { fleet in
            let agent = try await fleet.startAgent(name: "vulkan", extraArguments: ["--allow-software-devices", "--slots", "1"])
            let system = try await Self.get(SystemDocument.self, "/v0/system", from: agent, in: fleet)
            #expect(system.backend == "vulkan")
            #expect(system.engine?.backends.contains("Vulkan") == true)
            #expect(system.engineTarget?.backend == "vulkan")
            #expect(system.engineTarget?.devices.map(\.name) == ["Vulkan0"])
            #expect(system.engineTarget?.note == nil)

            let chat = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat)
            #expect(chat.status == 200, "\(chat.body)")
            #expect(try JSONDecoder().decode(ChatCompletionDocument.self, from: Data(chat.body.utf8)).choices.count == 1)
            let embedding = try await fleet.call(.POST, "/v1/embeddings", json: Self.embedding)
            #expect(embedding.status == 200, "\(embedding.body)")
            #expect(try JSONDecoder().decode(EmbeddingsDocument.self, from: Data(embedding.body.utf8)).data.first?.embedding.count == 384)

            // The engines' own words: every layer offloaded, the weights in a Vulkan0 buffer.
            for model in [TestEnvironment.chatModel, TestEnvironment.embeddingModel] {
                let log = try Self.engineLog(of: model, in: fleet, agent: "vulkan")
                let layers = try #require(Self.offloaded(log), "no offload line in the engine log of \(model)")
                #expect(layers.0 == layers.1 && layers.0 > 0, "\(model): \(layers.0)/\(layers.1) layers offloaded")
                #expect(log.contains("Vulkan0 model buffer size"), "\(model)'s weights are not on Vulkan0")
            }
            let running = try await Self.get(SystemDocument.self, "/v0/system", from: agent, in: fleet)
            #expect(running.runningEngines?.map(\.placement.devices) == [["Vulkan0"], ["Vulkan0"]])
            #expect(running.runningEngines?.allSatisfy { $0.load.map { $0.offloadedLayers == $0.layers } == true } == true)
        }
    }

    @Test func theCPUOnlyEngineOnTheSameHostGetsCPUVerdicts() async throws {
        try await withFleet(agents: 0) { fleet in
            let cpuOnly = fleet.environment.cpuOnlyLlamaServer
            let agent = try await fleet.startAgent(name: "cpu-engine", llamaServer: cpuOnly, extraArguments: ["--allow-software-devices"])
            let system = try await Self.get(SystemDocument.self, "/v0/system", from: agent, in: fleet)
            #expect(system.backend == "vulkan", "detection still finds the Vulkan device")
            #expect(system.engine?.backends == ["CPU"])
            #expect(system.engineTarget?.backend == "cpu")
            let note = try #require(system.engineTarget?.note)
            #expect(note.hasPrefix("llama-server at \(cpuOnly.path) has no Vulkan backend: GGUF models will run on the CPU"))

            let verdicts = try await Self.get(VerdictsDocument.self, "/v0/models", from: agent, in: fleet)
            let gguf = verdicts.models.filter { $0.format == "gguf" }
            #expect(!gguf.isEmpty)
            for model in gguf {
                #expect(model.executable, "\(model.id) runs on the CPU")
                #expect(model.runsOn == "cpu")
                #expect(model.note == note)
                let memory = try #require(model.memory)
                #expect(memory.totalBytes > memory.weightsBytes)
            }

            let chat = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat)
            #expect(chat.status == 200, "\(chat.body)")
            let log = try Self.engineLog(of: TestEnvironment.chatModel, in: fleet, agent: "cpu-engine")
            #expect(Self.offloaded(log)?.0 ?? 0 == 0, "the CPU-only engine offloaded layers")
            #expect(!log.contains("Vulkan0"))
        }
    }

    @Test func detectShowsTheEnginesBackendsAndWhereGGUFModelsRun() async throws {
        let environment = try TestEnvironment.load()
        let vulkan = try environment.run("switchyard-agent", ["detect", "--allow-software-devices", "--llama-server", environment.llamaServer.path])
        #expect(vulkan.contains("backends: CPU, Vulkan"))
        #expect(vulkan.contains("device:   Vulkan0: llvmpipe"))
        #expect(vulkan.contains("GGUF models run on Vulkan0"))
        let cpu = try environment.run(
            "switchyard-agent",
            [
                "models", "--models-dir", environment.modelsDirectory.path, "--allow-software-devices", "--llama-server",
                environment.cpuOnlyLlamaServer.path,
            ]
        )
        let lines = cpu.split(separator: "\n").filter { $0.contains("GGUF") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("on CPU (llama-server at \(environment.cpuOnlyLlamaServer.path) has no Vulkan backend") })
    }
}
