import Foundation

/// A model found in the agent's models directory.
struct LocalModel: Sendable, Equatable {
    /// What the model does.
    enum Kind: String, Codable, Sendable {
        case chat
        case embedding
    }

    /// The ID clients use: the directory's path below the models directory, or the file's name.
    var id: String
    /// The weights file the engine loads (the first shard of a split GGUF).
    var file: URL
    /// Chat (text generation) or embedding.
    var kind: Kind
    /// Total size of the model's files in bytes.
    var sizeBytes: Int64
    /// The context length the model was trained with, when known.
    var contextLength: Int?
    /// Extra engine arguments from the manifest.
    var engineArguments: [String]
    /// Why the model cannot be served, or nil when it can.
    var problem: String?

    /// Whether the agent lists and serves the model.
    var isExecutable: Bool { problem == nil }
}
