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

    /// Counts and sizes no model has (what fuzzing the reader looks for) are refused or
    /// ignored, never trusted into a trap.
    @Test func aHugeTensorCountIsMalformedNotATrap() throws {
        var header = GGUFFixture.model(architecture: "llama")
        header.tensorCount = .max
        #expect(throws: GGUFError.malformed("implausible tensor count")) { try GGUFMetadata(data: header.data) }
    }

    @Test func anAbsurdShapeIsIgnoredAndEstimatesSaturate() throws {
        let huge: UInt64 = 1 << 62
        let keys = ["block_count", "embedding_length", "attention.key_length", "attention.value_length", "context_length"]
        let header = GGUFFixture(
            entries: [("general.architecture", .string("llama")), ("llama.attention.head_count", .uint32(1))]
                + keys.map { ("llama.\($0)", .uint64(huge)) }
        )
        let metadata = try GGUFMetadata(data: header.data)
        #expect(metadata.shape == nil && metadata.contextLength == nil)
        #expect(MemoryEstimate.product(Int64.max, 2) == 1 << 60)
        #expect(MemoryEstimate.product(3, 4) == 12)
        let bounds = TransformerShape(
            layers: 100_000,
            kvHeads: 1_000_000,
            keyLength: 1_000_000,
            valueLength: 1_000_000,
            embeddingLength: 1,
            vocabularySize: nil,
            encoderOnly: false
        )
        #expect(bounds.kvBytesPerToken() > 0, "the bounds' product fits")
    }
}
