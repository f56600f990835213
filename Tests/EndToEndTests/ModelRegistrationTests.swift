import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Registering Hugging Face models (DESIGN.md §4) against a local hub serving the real SmolLM2
/// GGUF: the router picks the artifact, every agent downloads it itself, and the model becomes
/// routable without a restart; downloads resume after a crash, corrupt files are rejected, and
/// unregistering removes the copies.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct ModelRegistrationTests {
    static let repo = "local-test/smol-registered"
    static let weights = "smol-135m.Q4_1.gguf"

    /// The real SmolLM2 file as the hub lists it (hashed once).
    static func smolFile() throws -> LocalHub.File {
        let source = try TestEnvironment.load().modelsDirectory.appendingPathComponent(
            "\(TestEnvironment.chatModel)/SmolLM2-135M-Instruct.Q4_1.gguf"
        )
        return try SmolCache.file(for: source)
    }

    /// A hub with the SmolLM2 repository (a Q4_1 and an F16 entry, and a README), a router that
    /// asks it, and no agents yet.
    func withHub(routerEnvironment: [String: String] = [:], _ body: (Fleet, LocalHub, LocalHub.File) async throws -> Void) async throws {
        let hub = try await LocalHub.start()
        defer { hub.stop() }
        let smol = try Self.smolFile()
        var f16 = smol
        f16.path = "smol-135m.F16.gguf"
        var q4 = smol
        q4.path = Self.weights
        await hub.state.add(LocalHub.Repo(id: Self.repo, files: [try SmolCache.readme(), q4, f16]))
        try await withFleet(agents: 0, routerEnvironment: routerEnvironment.merging(["HF_ENDPOINT": hub.url]) { $1 }) { fleet in
            try await body(fleet, hub, q4)
        }
    }

    /// An agent whose own models directory holds only the embedding model, allowed to download from the hub.
    @discardableResult
    func startAgent(
        _ fleet: Fleet,
        hub: LocalHub,
        name: String,
        directory: URL? = nil,
        environment: [String: String] = [:]
    ) async throws -> ManagedProcess {
        try await fleet.startAgent(
            name: name,
            modelsDirectory: try directory ?? fleet.modelsDirectory(name, models: [TestEnvironment.embeddingModel]),
            extraArguments: ["--backend", "cpu", "--download-origin", hub.url],
            environment: environment
        )
    }

    func register(_ fleet: Fleet, _ json: String) async throws -> (status: Int, body: [String: Any]) {
        let (status, body) = try await fleet.call(.POST, "/v0/models/register", json: json)
        return (status, try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:])
    }

    func lifecycle(_ fleet: Fleet, model: String) async throws -> [String: Any]? {
        let body = try await fleet.call(.GET, "/v0/models/hub").body
        let models = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["models"] as? [[String: Any]]
        return models?.first { $0["id"] as? String == model }
    }

    func servedModels(_ fleet: Fleet) async throws -> [String] {
        try JSONDecoder().decode(ModelListDocument.self, from: Data(try await fleet.call(.GET, "/v1/models").body.utf8)).data.map(\.id)
    }

    static func chat(_ model: String) -> String {
        #"{"model": "\#(model)", "max_tokens": 4, "messages": [{"role": "user", "content": "Say hi"}]}"#
    }
}

/// Hashing a 100 MB file once for all tests.
enum SmolCache {
    nonisolated(unsafe) private static var cached: LocalHub.File?
    private static let lock = NSLock()

    static func file(for source: URL) throws -> LocalHub.File {
        try lock.withLock {
            if let cached { return cached }
            let file = try LocalHub.file("model.gguf", from: source)
            cached = file
            return file
        }
    }

    static func readme() throws -> LocalHub.File {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-hub-README.md")
        try Data("# A small model, served by the tests' local hub\n".utf8).write(to: url)
        return try LocalHub.file("README.md", from: url, lfs: false)
    }
}
