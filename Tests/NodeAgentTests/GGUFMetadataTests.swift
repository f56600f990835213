import Foundation
import Testing

@testable import SwitchyardAgent

@Suite struct GGUFMetadataTests {
    @Test func readsArchitectureContextAndSkipsArrays() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("m.gguf")
        try GGUFFixture.model(architecture: "llama", context: 8192, name: "Tiny").write(to: file)
        let metadata = try GGUFMetadata(contentsOf: file)
        #expect(metadata.architecture == "llama")
        #expect(metadata.name == "Tiny")
        #expect(metadata.contextLength == 8192)
        #expect(!metadata.isEmbeddingModel)
    }

    @Test(arguments: [("bert", nil as UInt32?, true), ("llama", UInt32(1), true), ("bert", UInt32(0), false), ("qwen2", nil, false)])
    func embeddingModelsAreRecognised(architecture: String, pooling: UInt32?, isEmbedding: Bool) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("m.gguf")
        try GGUFFixture.model(architecture: architecture, pooling: pooling).write(to: file)
        #expect(try GGUFMetadata(contentsOf: file).isEmbeddingModel == isEmbedding)
    }

    @Test func truncatedAndForeignFilesAreRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let truncated = directory.url.appendingPathComponent("t.gguf")
        try GGUFFixture.model(architecture: "llama").data.prefix(40).write(to: truncated)
        #expect(throws: GGUFError.truncated) { try GGUFMetadata(contentsOf: truncated) }
        let foreign = directory.url.appendingPathComponent("f.gguf")
        try Data("PK\u{3}\u{4}not a model".utf8).write(to: foreign)
        #expect(throws: GGUFError.notGGUF) { try GGUFMetadata(contentsOf: foreign) }
    }
}
