/// A Hugging Face model registered at the router: what the agents download and how to serve it.
/// It is also the manifest agents fetch from `GET /v0/models/{id}/manifest`.
public struct RegisteredModel: Codable, Sendable, Equatable {
    /// The model ID clients use: the hub's repository ID (`org/name`), as the hub spells it.
    public var id: String
    /// The repository on the hub.
    public var repo: String
    /// The revision asked for (a branch, tag or commit), `main` by default.
    public var revision: String
    /// The commit the revision pointed to at registration; files are fetched from it, so a
    /// later push to the repository cannot change what the agents download.
    public var commit: String
    /// `gguf`, `safetensors` or `mlx`.
    public var format: String
    /// The GGUF quantisation (`Q4_K_M`, `F16`, …) when it shows in the file name.
    public var quantization: String?
    /// The files to download, relative to the model's directory.
    public var files: [ArtifactFile]
    /// Backends the artifact is limited to (nil: whatever its format runs on).
    public var backends: [String]?
    /// Memory the model is estimated to need to serve.
    public var requiredMemoryBytes: Int64
    /// When the model was registered (Unix seconds).
    public var registeredAt: Int

    /// The size of all files together.
    public var sizeBytes: Int64 { files.reduce(0) { $0 + $1.sizeBytes } }

    public init(
        id: String,
        repo: String,
        revision: String,
        commit: String,
        format: String,
        quantization: String?,
        files: [ArtifactFile],
        backends: [String]?,
        requiredMemoryBytes: Int64,
        registeredAt: Int
    ) {
        self.id = id
        self.repo = repo
        self.revision = revision
        self.commit = commit
        self.format = format
        self.quantization = quantization
        self.files = files
        self.backends = backends
        self.requiredMemoryBytes = requiredMemoryBytes
        self.registeredAt = registeredAt
    }

    /// The memory estimate for weights of `size` bytes: the weights plus 20 % for the KV cache
    /// and compute buffers plus 128 MiB of runtime overhead (the agent's own estimate for local
    /// files, so both sides agree).
    public static func estimatedMemory(forWeights size: Int64) -> Int64 {
        size + size / 5 + (128 << 20)
    }

    enum CodingKeys: String, CodingKey {
        case id, repo, revision, commit, format, quantization, files, backends
        case requiredMemoryBytes = "required_memory_bytes"
        case registeredAt = "registered_at"
    }
}
