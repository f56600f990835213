import Foundation

extension ModelCatalogue {
    /// A GGUF model from its candidate files: one file, or one complete split set
    /// (`name-00001-of-00003.gguf` …); several unrelated files need the manifest's `file`.
    static func ggufModel(id: String, candidates: [URL], manifest: ModelManifest?) -> LocalModel {
        let sorted = candidates.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let sets = Dictionary(grouping: sorted) { SplitName($0.lastPathComponent)?.stem ?? $0.lastPathComponent }
        guard sets.count == 1, let files = sets.values.first, let first = files.first else {
            let problem = sorted.isEmpty ? "no GGUF weights file" : "several GGUF files; name the one to load as \"file\" in switchyard.json"
            return unusable(id: id, file: sorted.first ?? URL(fileURLWithPath: id), problem: problem)
        }
        guard FileManager.default.fileExists(atPath: first.path) else {
            return unusable(id: id, file: first, problem: "\(first.lastPathComponent) does not exist")
        }
        if let split = SplitName(first.lastPathComponent) {
            let present = Set(files.compactMap { SplitName($0.lastPathComponent)?.index })
            guard present.count == split.count, present == Set(1...split.count) else {
                return unusable(id: id, file: first, problem: "files incomplete: \(present.count) of \(split.count) shards")
            }
        }
        let metadata: GGUFMetadata
        do {
            metadata = try GGUFMetadata(contentsOf: files.first { SplitName($0.lastPathComponent)?.index ?? 1 == 1 } ?? first)
        } catch {
            return unusable(id: id, file: first, problem: "\(first.lastPathComponent): \(error)")
        }
        return LocalModel(
            id: id,
            format: .gguf,
            file: first,
            kind: metadata.isReranker ? .reranker : metadata.isEmbeddingModel ? .embedding : .chat,
            sizeBytes: files.reduce(0) { $0 + fileSize($1) },
            contextLength: metadata.contextLength,
            shape: metadata.shape
        )
    }
}

/// A shard name like `model-00002-of-00004.gguf` or `model-00002-of-00004.safetensors`.
struct SplitName: Equatable {
    var stem: String
    var index: Int
    var count: Int

    init?(_ name: String) {
        let base = String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)])
        let parts = base.split(separator: "-")
        guard parts.count >= 4, parts[parts.count - 2] == "of", let index = Int(parts[parts.count - 3]),
            let count = Int(parts[parts.count - 1]), index >= 1, count >= 1, index <= count
        else { return nil }
        stem = parts.dropLast(3).joined(separator: "-")
        self.index = index
        self.count = count
    }
}
