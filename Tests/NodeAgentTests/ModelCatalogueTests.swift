import Foundation
import Testing

@testable import SwitchyardAgent

@Suite struct ModelCatalogueTests {
    @Test func findsTopLevelFilesAndOrgNameDirectories() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("tiny.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("org/chat/model.Q4.gguf"))
        try GGUFFixture.model(architecture: "bert", pooling: 1).write(to: root.url.appendingPathComponent("org/embed/e.gguf"))
        try Data("readme".utf8).write(to: root.url.appendingPathComponent("README.txt"))

        let models = ModelCatalogue(root: root.url).scan()
        #expect(models.map(\.id) == ["org/chat", "org/embed", "tiny"])
        #expect(models.allSatisfy { $0.fileProblem == nil })
        #expect(models.map(\.kind) == [.chat, .embedding, .chat])
    }

    @Test func unreadableModelsCarryAReasonInsteadOfFailingTheScan() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try GGUFFixture.model(architecture: "llama").data.prefix(30).write(to: root.url.appendingPathComponent("cut.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("org/two/a.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("org/two/b.gguf"))
        try FileManager.default.createDirectory(at: root.url.appendingPathComponent("org/bad"), withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: root.url.appendingPathComponent("org/bad/switchyard.json"))

        let verdicts = Dictionary(uniqueKeysWithValues: ModelCatalogue(root: root.url).scan().map { ($0.id, $0.fileProblem) })
        #expect(verdicts["cut"]??.contains("truncated") == true)
        #expect(verdicts["org/two"]??.contains("several GGUF files") == true)
        #expect(verdicts["org/bad"]??.contains("switchyard.json") == true)
    }

    @Test func manifestOverridesKindAndPicksTheFile() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let directory = root.url.appendingPathComponent("org/multi")
        try GGUFFixture.model(architecture: "llama").write(to: directory.appendingPathComponent("a.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: directory.appendingPathComponent("b.gguf"))
        try Data(#"{"file": "b.gguf", "kind": "embedding", "engine_args": ["--pooling", "mean"]}"#.utf8)
            .write(to: directory.appendingPathComponent("switchyard.json"))

        let model = try #require(ModelCatalogue(root: root.url).scan().first)
        #expect(model.fileProblem == nil)
        #expect(model.file.lastPathComponent == "b.gguf")
        #expect(model.kind == .embedding)
        #expect(model.engineArguments == ["--pooling", "mean"])
    }

    @Test func oneIDIsServedOnce() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("twin.gguf"))
        try GGUFFixture.model(architecture: "llama").write(to: root.url.appendingPathComponent("twin/model.gguf"))
        let models = ModelCatalogue(root: root.url).scan()
        #expect(models.map(\.id) == ["twin", "twin"])
        #expect(models.filter { $0.fileProblem == nil }.count == 1)
        #expect(models.contains { $0.fileProblem?.contains("already taken") == true })
    }
}
