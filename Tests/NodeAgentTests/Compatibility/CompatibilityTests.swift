import Foundation
import Testing

@testable import SwitchyardAgent

/// The issue's scenario over one real models directory: a GGUF chat model, a GGUF embedding
/// model, an MLX model, a Metal-only GGUF and a safetensors model, judged on CUDA, Metal and CPU
/// hosts with and without external engines.
@Suite struct CompatibilityTests {
    static func makeModels(in root: URL) throws {
        try GGUFFixture.model(architecture: "llama").write(to: root.appendingPathComponent("org/chat/chat.Q4.gguf"))
        try GGUFFixture.model(architecture: "bert", pooling: 1).write(to: root.appendingPathComponent("org/embed/e.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: root.appendingPathComponent("org/metal-only/m.gguf"))
        try Data(#"{"backends": ["metal"]}"#.utf8).write(to: root.appendingPathComponent("org/metal-only/switchyard.json"))
        let mlx = root.appendingPathComponent("mlx-community/tiny-4bit")
        try FileManager.default.createDirectory(at: mlx, withIntermediateDirectories: true)
        try Data(#"{"architectures": ["LlamaForCausalLM"], "quantization": {"group_size": 64, "bits": 4}}"#.utf8)
            .write(to: mlx.appendingPathComponent("config.json"))
        try Data(count: 1024).write(to: mlx.appendingPathComponent("model.safetensors"))
        let hub = root.appendingPathComponent("org/hub-model")
        try FileManager.default.createDirectory(at: hub, withIntermediateDirectories: true)
        try Data(#"{"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096}"#.utf8)
            .write(to: hub.appendingPathComponent("config.json"))
        try Data(count: 2048).write(to: hub.appendingPathComponent("model.safetensors"))
    }

    static let external = EngineCatalogue(declarations: [
        EngineDeclaration(argument: "mlx=http://127.0.0.1:8080")!, EngineDeclaration(argument: "safetensors=http://127.0.0.1:8000/v1")!,
    ])

    func served(on backend: Backend, engines: EngineCatalogue) throws -> (ids: Set<String>, verdicts: [ModelVerdict]) {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try Self.makeModels(in: root.url)
        let host = HostProfile.fixture(backend, devices: [], ramBytes: 16 << 30)
        let verdicts = AgentState.judge(ModelCatalogue(root: root.url).scan(), host: host, engines: engines)
        return (Set(verdicts.filter(\.isExecutable).map(\.model.id)), verdicts)
    }

    @Test(arguments: [
        (Backend.cuda, ["org/chat", "org/embed", "org/hub-model"]),
        (.metal, ["org/chat", "org/embed", "mlx-community/tiny-4bit", "org/metal-only"]),
        (.cpu, ["org/chat", "org/embed"]),
    ])
    func withExternalEngines(backend: Backend, expected: [String]) throws {
        #expect(try served(on: backend, engines: Self.external).ids == Set(expected))
    }

    @Test(arguments: [Backend.cuda, .metal, .cpu, .rocm, .vulkan])
    func withoutExternalEnginesNeitherMLXNorSafetensors(backend: Backend) throws {
        let ids = try served(on: backend, engines: EngineCatalogue()).ids
        #expect(!ids.contains("mlx-community/tiny-4bit"))
        #expect(!ids.contains("org/hub-model"))
    }

    @Test func everyLeftOutModelHasAReason() throws {
        let reasons = Dictionary(
            uniqueKeysWithValues: try served(on: .cuda, engines: EngineCatalogue()).verdicts.map { ($0.model.id, $0.reason) }
        )
        #expect(try #require(reasons["mlx-community/tiny-4bit"]) == "MLX needs Metal; this host is CUDA")
        #expect(try #require(reasons["org/metal-only"]) == "the manifest limits this artifact to Metal; this host is CUDA")
        #expect(try #require(reasons["org/hub-model"])?.hasPrefix("no engine on this node serves safetensors") == true)
        #expect(try #require(reasons["org/chat"]) == nil, "served")
    }

    @Test func memoryMustFitTheDevicesTogether() {
        let model = LocalModel(id: "big", format: .gguf, file: URL(fileURLWithPath: "/m.gguf"), kind: .chat, sizeBytes: 12 << 30, contextLength: nil)
        let small = HostProfile.fixture(.cuda, devices: [8 << 30, 6 << 30], ramBytes: 64 << 30)
        let verdict = Compatibility.verdict(for: model, on: small, engines: EngineCatalogue())
        // Engines may hold 90 % of each device: 7.2 + 5.4 GiB.
        #expect(verdict.reason == "needs 14.5 GiB, more than the 12.6 GiB engines may use on its 2 CUDA devices together")
        let split = HostProfile.fixture(.cuda, devices: [10 << 30, 8 << 30], ramBytes: 64 << 30)
        #expect(Compatibility.verdict(for: model, on: split, engines: EngineCatalogue()).isExecutable, "split across two devices")
        let large = HostProfile.fixture(.cuda, devices: [80 << 30], ramBytes: 64 << 30)
        #expect(Compatibility.verdict(for: model, on: large, engines: EngineCatalogue()).isExecutable)
        let cpu = HostProfile.fixture(.cpu, devices: [], ramBytes: 8 << 30)
        #expect(Compatibility.verdict(for: model, on: cpu, engines: EngineCatalogue()).reason?.contains("of this host's RAM") == true)
    }

    @Test func incompleteShardSetsAreNamed() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let hub = root.url.appendingPathComponent("org/sharded")
        try FileManager.default.createDirectory(at: hub, withIntermediateDirectories: true)
        try Data(#"{"architectures": ["LlamaForCausalLM"]}"#.utf8).write(to: hub.appendingPathComponent("config.json"))
        for index in [1, 3] {
            try Data(count: 16).write(to: hub.appendingPathComponent(String(format: "model-%05d-of-00004.safetensors", index)))
        }
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("org/split/m-00001-of-00002.gguf"))
        let models = Dictionary(uniqueKeysWithValues: ModelCatalogue(root: root.url).scan().map { ($0.id, $0.fileProblem) })
        #expect(try #require(models["org/sharded"]) == "files incomplete: 2 of 4 shards")
        #expect(try #require(models["org/split"]) == "files incomplete: 1 of 2 shards")
    }

    @Test func engineDeclarationsAreValidated() {
        #expect(EngineDeclaration(argument: "safetensors=http://vllm:8000/v1/")?.url == "http://vllm:8000")
        #expect(EngineDeclaration(argument: "onnx=http://x") == nil)
        #expect(EngineDeclaration(argument: "mlx=ftp://x") == nil)
        #expect(EngineDeclaration(argument: "mlx") == nil)
    }
}

extension HostProfile {
    /// A host whose detected `backend` has devices of these sizes (GiB figures as bytes), no
    /// engine probe: the managed engine computes where detection says.
    static func fixture(_ backend: Backend, devices: [Int64], ramBytes: Int64) -> HostProfile {
        let targets = devices.enumerated().map { index, bytes in
            TargetDevice(name: "\(backend.rawValue)\(index)", detectedName: "device \(index)", memoryTotalBytes: bytes, memoryFreeBytes: bytes)
        }
        return HostProfile(detected: EngineTarget(backend: backend, devices: targets), engine: nil, ramBytes: ramBytes)
    }
}
