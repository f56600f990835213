/// One file of a registered model's artifact, as the manifest lists it.
public struct ArtifactFile: Codable, Sendable, Equatable {
    /// Path relative to the model's directory (as in the repository).
    public var path: String
    /// Where to download it (the hub's resolve URL, pinned to a commit).
    public var url: String
    /// Size in bytes.
    public var sizeBytes: Int64
    /// SHA-256 of the content, for files the hub stores in LFS.
    public var sha256: String?
    /// The git blob ID (SHA-1 of `blob <size>\0<content>`), for small files kept in git.
    public var gitBlobID: String?

    /// Creates a file entry.
    public init(path: String, url: String, sizeBytes: Int64, sha256: String?, gitBlobID: String?) {
        self.path = path
        self.url = url
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.gitBlobID = gitBlobID
    }

    enum CodingKeys: String, CodingKey {
        case path, url, sha256
        case sizeBytes = "size_bytes"
        case gitBlobID = "git_blob_id"
    }
}
