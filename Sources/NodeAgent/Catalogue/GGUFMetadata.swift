import Foundation

/// The header metadata of a GGUF file, read without loading any tensor.
///
/// The file is memory-mapped and only the key/value section is walked; large arrays (the
/// tokenizer's vocabulary) are skipped over, not decoded.
struct GGUFMetadata: Sendable, Equatable {
    /// `general.architecture`, e.g. `llama` or `bert`.
    var architecture: String
    /// `general.name`, when present.
    var name: String?
    /// `{arch}.context_length`: the context the model was trained with.
    var contextLength: Int?
    /// `{arch}.pooling_type` (0 none, 1 mean, 2 cls, 3 last, 4 rank), when present.
    var poolingType: Int?
    /// `general.file_type`: llama.cpp's quantisation enum.
    var fileType: Int?
    /// Number of tensors in the file.
    var tensorCount: Int
    /// The numbers that size the KV cache and compute buffers, when the header has them.
    var shape: TransformerShape?

    /// Whether the model produces embeddings or ranks rather than text.
    var isEmbeddingModel: Bool {
        if let poolingType { return poolingType != 0 }
        return Self.encoderArchitectures.contains(architecture)
    }

    /// Whether the model is a reranker: its pooling type is llama.cpp's `rank` (4).
    var isReranker: Bool { poolingType == 4 }

    static let encoderArchitectures: Set<String> = ["bert", "nomic-bert", "jina-bert-v2", "jina-bert-v3", "modern-bert", "neo-bert"]

    /// Reads the metadata of the GGUF file at `url`.
    /// - Throws: ``GGUFError`` when the file is not GGUF, is truncated, or is malformed.
    init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw GGUFError.unreadable(error.localizedDescription)
        }
        try self.init(data: data)
    }

    /// Reads the metadata at the start of a GGUF file's `data` (untrusted: a crafted header
    /// is refused, never trusted for a count or a size).
    /// - Throws: ``GGUFError`` when the data is not GGUF, is truncated, or is malformed.
    init(data: Data) throws {
        var reader = GGUFReader(data: data)
        guard try reader.bytes(4) == Array("GGUF".utf8) else { throw GGUFError.notGGUF }
        let version = try reader.integer(UInt32.self)
        guard (2...3).contains(version) else { throw GGUFError.unsupportedVersion(Int(version)) }
        guard let tensors = Int(exactly: try reader.integer(UInt64.self)) else { throw GGUFError.malformed("implausible tensor count") }
        tensorCount = tensors
        let keyCount = try reader.integer(UInt64.self)
        guard keyCount < 1_000_000 else { throw GGUFError.malformed("implausible key count \(keyCount)") }

        var values: [String: GGUFReader.Scalar] = [:]
        for _ in 0..<keyCount {
            let key = try reader.string()
            let type = try reader.integer(UInt32.self)
            values[key] = try reader.value(ofType: type)
        }
        guard case .string(let architecture)? = values["general.architecture"] else {
            throw GGUFError.malformed("no general.architecture")
        }
        self.architecture = architecture
        self.name = values["general.name"]?.string
        self.contextLength = values["\(architecture).context_length"]?.integer.flatMap { (1...100_000_000).contains($0) ? $0 : nil }
        self.poolingType = values["\(architecture).pooling_type"]?.integer
        self.fileType = values["general.file_type"]?.integer
        self.shape = TransformerShape(
            architecture: architecture,
            encoderOnly: Self.encoderArchitectures.contains(architecture)
        ) { values[$0] }
    }
}

/// Why a GGUF file could not be read.
enum GGUFError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case notGGUF
    case unsupportedVersion(Int)
    case truncated
    case malformed(String)

    var description: String {
        switch self {
        case .unreadable(let reason): "cannot read the file: \(reason)"
        case .notGGUF: "not a GGUF file (bad magic)"
        case .unsupportedVersion(let version): "unsupported GGUF version \(version)"
        case .truncated: "the file is truncated (incomplete download?)"
        case .malformed(let reason): "malformed GGUF header: \(reason)"
        }
    }
}
