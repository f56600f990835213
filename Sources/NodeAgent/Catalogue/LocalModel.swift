import Foundation

/// A model found in the agent's models directory, as its files and manifest describe it.
/// Whether this host can serve it is a separate question (``Compatibility``).
struct LocalModel: Sendable, Equatable {
    /// What the model does.
    enum Kind: String, Codable, Sendable {
        case chat
        case embedding
        /// Scores documents against a query (`/v1/rerank`): an encoder with rank pooling.
        case reranker

        /// Whether the model reads a whole input at once and generates nothing (embeddings, reranking).
        var isEncoder: Bool { self != .chat }
    }

    /// The ID clients use: the directory's path below the models directory, or the file's name.
    var id: String
    var format: ModelFormat
    /// The weights file an engine loads (the first shard of a split set; the directory for
    /// safetensors and MLX models).
    var file: URL
    var kind: Kind
    /// Total size of the model's weight files in bytes.
    var sizeBytes: Int64
    /// The context length the model was trained with, when known.
    var contextLength: Int?
    /// Extra engine arguments from the manifest.
    var engineArguments: [String] = []
    /// Backends the manifest restricts the artifact to (nil: the format's own list).
    var declaredBackends: [Backend]?
    /// Memory the manifest says the model needs (nil: estimated from the files).
    var declaredMemoryBytes: Int64?
    /// Why the files cannot be used (incomplete, corrupt), or nil when they are fine.
    var fileProblem: String?
    /// The transformer's sizes from the GGUF header, which size its KV cache.
    var shape: TransformerShape?
    /// Context per slot lowered so the KV cache fits this host (`--fit-context`); nil: as configured.
    var fittedContextPerSlot: Int?

    /// The backends this artifact runs on: the format's, narrowed by the manifest.
    var backends: [Backend] {
        guard let declaredBackends else { return format.backends }
        return format.backends.filter(declaredBackends.contains)
    }
}
