import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct ArtifactSelectionTests {
    static func info(_ files: [String], library: String? = nil, tags: [String] = []) -> HubModelInfo {
        HubModelInfo(
            id: "org/model",
            sha: "c0ffee",
            gated: false,
            libraryName: library,
            tags: tags,
            siblings: files.enumerated().map { index, path in
                HubModelInfo.Sibling(path: path, size: Int64(1000 + index), blobID: "b\(index)", lfs: nil)
            }
        )
    }

    @Test("among several GGUF files the preferred quantisation wins; projectors are ignored")
    func prefersQuantisation() throws {
        let files = ["README.md", "model-F16.gguf", "model-Q8_0.gguf", "model-Q4_K_M.gguf", "model-Q2_K.gguf", "mmproj-model-Q4_0.gguf"]
        let choice = try ArtifactSelection.choose(from: Self.info(files), file: nil, format: nil)
        #expect(choice.format == "gguf")
        #expect(choice.quantization == "Q4_K_M")
        #expect(choice.files.map(\.path) == ["model-Q4_K_M.gguf"])
    }

    @Test("a split GGUF set is chosen whole, and a named part brings its siblings")
    func splitSets() throws {
        let files = ["big-Q4_0-00001-of-00002.gguf", "big-Q4_0-00002-of-00002.gguf", "big-F16.gguf"]
        let automatic = try ArtifactSelection.choose(from: Self.info(files), file: nil, format: nil)
        #expect(automatic.files.map(\.path) == ["big-Q4_0-00001-of-00002.gguf", "big-Q4_0-00002-of-00002.gguf"])
        let named = try ArtifactSelection.choose(from: Self.info(files), file: "big-Q4_0-00002-of-00002.gguf", format: nil)
        #expect(named.files.count == 2)
        #expect(throws: ModelRegistrationError.noUsableArtifact(message: "The split GGUF set 'x' is missing parts in the repository.", param: "file"))
        {
            try ArtifactSelection.choose(from: Self.info(["x-00001-of-00003.gguf", "x-00002-of-00003.gguf"]), file: nil, format: nil)
        }
    }

    @Test("a safetensors set brings its config and tokenizer; MLX is recognised by library or tag")
    func weightSets() throws {
        let files = [
            "config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors", "README.md", "onnx/model.onnx",
        ]
        let set = try ArtifactSelection.choose(from: Self.info(files), file: nil, format: nil)
        #expect(set.format == "safetensors")
        #expect(!set.files.contains { $0.path == "README.md" || $0.path.hasPrefix("onnx/") })
        #expect(set.files.count == 6)
        #expect(try ArtifactSelection.choose(from: Self.info(files, library: "mlx"), file: nil, format: nil).format == "mlx")
        #expect(try ArtifactSelection.choose(from: Self.info(files, tags: ["mlx"]), file: nil, format: nil).format == "mlx")
    }

    @Test("GGUF wins over safetensors unless the format is asked for")
    func formatChoice() throws {
        let files = ["config.json", "model.safetensors", "model-Q4_0.gguf"]
        #expect(try ArtifactSelection.choose(from: Self.info(files), file: nil, format: nil).format == "gguf")
        #expect(try ArtifactSelection.choose(from: Self.info(files), file: nil, format: "safetensors").format == "safetensors")
    }

    @Test("nothing usable, a missing or unusable named file, or a bad format is a 400")
    func errors() {
        let codes: [(HubModelInfo, String?, String?)] = [
            (Self.info(["README.md"]), nil, nil),
            (Self.info(["model.safetensors"]), nil, nil),  // no config.json
            (Self.info(["model-Q4_0.gguf"]), "other.gguf", nil),
            (Self.info(["model-Q4_0.gguf", "README.md"]), "README.md", nil),
            (Self.info(["config.json", "model.safetensors"]), nil, "gguf"),
            (Self.info(["model-Q4_0.gguf"]), nil, "onnx"),
        ]
        for (info, file, format) in codes {
            #expect(throws: ModelRegistrationError.self) { try ArtifactSelection.choose(from: info, file: file, format: format) }
        }
    }

    @Test(
        "quantisation names are read from file names",
        arguments: [
            ("Llama-3-8B-Instruct.Q4_K_M.gguf", "Q4_K_M"), ("model-bf16.gguf", "BF16"), ("model-f16.gguf", "F16"),
            ("qwen2-IQ4_XS.gguf", "IQ4_XS"), ("model.gguf", nil), ("q4_k_m-notes.gguf", "Q4_K_M"),
        ] as [(String, String?)]
    )
    func quantisationNames(name: String, expected: String?) {
        #expect(ArtifactSelection.quantization(in: name) == expected)
    }
}
