import Foundation
import Shared

/// Chooses what to download from a repository's file list: a GGUF file (or split set), a
/// safetensors set with its config and tokenizer files, or an MLX set. A pure function.
///
/// With no file named, GGUF wins when present (it runs on every backend), and among several
/// GGUF artifacts the preferred quantisation is taken (Q4_K_M first, then other 4- and 5-bit
/// ones, larger ones last). `format` forces the safetensors/MLX set when a repository has both.
struct ArtifactSelection: Sendable, Equatable {
    var format: String
    var quantization: String?
    var files: [HubModelInfo.Sibling]

    /// Quantisations in order of preference: small and good first.
    static let quantizationPreference = [
        "Q4_K_M", "Q4_K_S", "Q4_K", "Q4_0", "Q4_1", "IQ4_XS", "IQ4_NL", "Q5_K_M", "Q5_K_S", "Q5_K", "Q5_0", "Q5_1",
        "Q6_K", "Q8_0", "Q3_K_L", "Q3_K_M", "Q3_K_S", "IQ3_M", "IQ3_S", "IQ3_XS", "IQ3_XXS", "Q2_K", "IQ2_M", "IQ2_S",
        "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S", "F16", "BF16", "F32",
    ]

    /// Files that come with safetensors weights when present.
    static let companionFiles: Set<String> = [
        "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "tokenizer.model",
        "special_tokens_map.json", "added_tokens.json", "vocab.json", "vocab.txt", "merges.txt", "chat_template.jinja",
        "chat_template.json", "preprocessor_config.json",
    ]

    /// - Throws: ``ModelRegistrationError/noUsableArtifact(message:param:)`` when nothing (or not
    ///   the named file) fits; ``ModelRegistrationError/invalidField(message:param:)`` for an unknown format.
    static func choose(from info: HubModelInfo, file: String?, format: String?) throws(ModelRegistrationError) -> ArtifactSelection {
        if let format, !["gguf", "safetensors", "mlx"].contains(format) {
            throw .invalidField(message: "'format' must be gguf, safetensors or mlx.", param: "format")
        }
        let byPath = Dictionary(info.siblings.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let isMLX = format == "mlx" || info.libraryName == "mlx" || info.tags.contains("mlx")
        if let file {
            guard let sibling = byPath[file] else {
                throw .noUsableArtifact(message: "The repository '\(info.id)' has no file '\(file)'.", param: "file")
            }
            if file.hasSuffix(".gguf") { return try gguf(named: sibling, in: byPath) }
            if file.hasSuffix(".safetensors") || file.hasSuffix(".safetensors.index.json") {
                return try weightSet(in: info, directory: (file as NSString).deletingLastPathComponent, isMLX: isMLX)
            }
            throw .noUsableArtifact(
                message: "'\(file)' is not a model file: name a .gguf, .safetensors or .safetensors.index.json file.",
                param: "file"
            )
        }
        let ggufs = info.siblings.filter { $0.path.hasSuffix(".gguf") && !($0.path as NSString).lastPathComponent.lowercased().contains("mmproj") }
        if !ggufs.isEmpty, format == nil || format == "gguf" {
            let sets = Dictionary(grouping: ggufs) { SplitGGUF(path: $0.path)?.stem ?? $0.path }
            let best = sets.values.min { rank($0) < rank($1) }!
            return try gguf(named: best.sorted { $0.path < $1.path }[0], in: byPath)
        }
        if format == "gguf" {
            throw .noUsableArtifact(message: "The repository '\(info.id)' has no GGUF file.", param: "format")
        }
        return try weightSet(in: info, directory: "", isMLX: isMLX)
    }

    /// Orders GGUF artifacts: preferred quantisation, then smaller, then by name.
    private static func rank(_ files: [HubModelInfo.Sibling]) -> (Int, Int64, String) {
        let path = files.map(\.path).min()!
        let position = quantization(in: path).flatMap { quantizationPreference.firstIndex(of: $0) } ?? quantizationPreference.count
        return (position, files.reduce(0) { $0 + $1.sizeBytes }, path)
    }

    private static func gguf(
        named sibling: HubModelInfo.Sibling,
        in byPath: [String: HubModelInfo.Sibling]
    ) throws(ModelRegistrationError) -> ArtifactSelection {
        guard let split = SplitGGUF(path: sibling.path) else {
            return ArtifactSelection(format: "gguf", quantization: quantization(in: sibling.path), files: [sibling])
        }
        let parts = split.allPaths.map { byPath[$0] }
        guard parts.allSatisfy({ $0 != nil }) else {
            throw .noUsableArtifact(message: "The split GGUF set '\(split.stem)' is missing parts in the repository.", param: "file")
        }
        return ArtifactSelection(format: "gguf", quantization: quantization(in: sibling.path), files: parts.compactMap { $0 })
    }

    /// A safetensors (or MLX) set in `directory`: `config.json`, the weights (one file, or an
    /// index and every shard), and the tokenizer and generation files present.
    private static func weightSet(in info: HubModelInfo, directory: String, isMLX: Bool) throws(ModelRegistrationError) -> ArtifactSelection {
        let prefix = directory.isEmpty ? "" : directory + "/"
        let here = info.siblings.filter { $0.path.hasPrefix(prefix) && !$0.path.dropFirst(prefix.count).contains("/") }
        let names = Set(here.map { String($0.path.dropFirst(prefix.count)) })
        let weights = here.filter { $0.path.hasSuffix(".safetensors") }
        guard names.contains("config.json"), !weights.isEmpty else {
            throw .noUsableArtifact(
                message: "The repository '\(info.id)' has no usable artifact: no GGUF file, and no safetensors weights with a config.json.",
                param: "repo"
            )
        }
        let wanted = companionFiles.union(["model.safetensors.index.json"])
        let files = here.filter { wanted.contains(String($0.path.dropFirst(prefix.count))) } + weights
        return ArtifactSelection(format: isMLX ? "mlx" : "safetensors", quantization: nil, files: files.sorted { $0.path < $1.path })
    }

    /// The quantisation named in a GGUF file name, e.g. `Q4_K_M` in `model-Q4_K_M.gguf`.
    static func quantization(in path: String) -> String? {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension.uppercased()
        let separators = CharacterSet(charactersIn: "-._ ")
        return quantizationPreference.sorted { $0.count > $1.count }.first { quant in
            guard let range = name.range(of: quant) else { return false }
            let before =
                range.lowerBound == name.startIndex || name[name.index(before: range.lowerBound)].unicodeScalars.allSatisfy(separators.contains)
            let after = range.upperBound == name.endIndex || name[range.upperBound].unicodeScalars.allSatisfy(separators.contains)
            return before && after
        }
    }
}

/// A part of a split GGUF set: `NAME-00001-of-00003.gguf`.
struct SplitGGUF: Sendable, Equatable {
    var stem: String
    var count: Int
    var width: Int

    init?(path: String) {
        guard path.hasSuffix(".gguf") else { return nil }
        let parts = path.dropLast(5).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[parts.count - 2] == "of", let count = Int(parts[parts.count - 1]), Int(parts[parts.count - 3]) != nil, count > 1
        else { return nil }
        self.stem = parts.dropLast(3).joined(separator: "-")
        self.count = count
        self.width = parts[parts.count - 1].count
    }

    var allPaths: [String] {
        (1...count).map { String(format: "%@-%0\(width)d-of-%0\(width)d.gguf", stem, $0, count) }
    }
}
