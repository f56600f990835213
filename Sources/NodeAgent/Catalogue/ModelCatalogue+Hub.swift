import Foundation

extension ModelCatalogue {
    /// A Hugging Face style model directory (`config.json` + `*.safetensors`): safetensors for
    /// vLLM-class engines, or MLX. MLX is recognised by the manifest, by MLX's own
    /// `quantization` block in `config.json`, or by "mlx" in the model ID (as in
    /// `mlx-community/…`). Shards are complete when every file the index names (or every
    /// `-0000k-of-0000n` shard) is present.
    static func hubModel(id: String, directory: URL, files: [URL], declared: ModelFormat?) -> LocalModel {
        let config = (try? Data(contentsOf: directory.appendingPathComponent("config.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let format = declared ?? (config?["quantization"] != nil || id.lowercased().contains("mlx") ? .mlx : .safetensors)
        let weights = files.filter { $0.pathExtension == "safetensors" }
        guard !weights.isEmpty else {
            let problem = config == nil ? "no weights: neither GGUF nor safetensors files" : "no safetensors weights next to config.json"
            return unusable(id: id, file: directory, problem: problem, format: format)
        }
        var model = LocalModel(
            id: id,
            format: format,
            file: directory,
            kind: isEncoder(config) ? .embedding : .chat,
            sizeBytes: weights.reduce(0) { $0 + fileSize($1) },
            contextLength: config?["max_position_embeddings"] as? Int
        )
        model.fileProblem = missingShards(directory: directory, present: Set(weights.map(\.lastPathComponent)))
        return model
    }

    /// "files incomplete: 2 of 4 shards" when the set is not whole; nil otherwise.
    static func missingShards(directory: URL, present: Set<String>) -> String? {
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        var expected: Set<String> = []
        if let data = try? Data(contentsOf: index),
            let map = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["weight_map"] as? [String: String]
        {
            expected = Set(map.values)
        } else if let split = present.compactMap(SplitName.init).first {
            let width = String(split.count).count > 5 ? String(split.count).count : 5
            expected = Set((1...split.count).map { String(format: "%@-%0\(width)d-of-%0\(width)d.safetensors", split.stem, $0, split.count) })
        }
        let found = expected.intersection(present).count
        return found < expected.count ? "files incomplete: \(found) of \(expected.count) shards" : nil
    }

    /// Encoder-only architectures (no language-model head) produce embeddings.
    static func isEncoder(_ config: [String: Any]?) -> Bool {
        let architectures = config?["architectures"] as? [String] ?? []
        let encoders = ["BertModel", "RobertaModel", "XLMRobertaModel", "NomicBertModel", "MPNetModel", "DistilBertModel", "ModernBertModel"]
        return architectures.contains { encoders.contains($0) }
    }
}
