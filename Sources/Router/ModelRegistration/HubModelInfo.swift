/// The parts of the hub's model API answer (`GET /api/models/{repo}?blobs=true`) registration uses.
struct HubModelInfo: Decodable, Sendable, Equatable {
    /// One file of the repository.
    struct Sibling: Decodable, Sendable, Equatable {
        /// Path in the repository.
        var path: String
        /// Size in bytes (with `blobs=true`).
        var size: Int64?
        /// The git blob ID.
        var blobID: String?
        /// LFS details: the content's SHA-256 and size.
        var lfs: LFS?

        struct LFS: Decodable, Sendable, Equatable {
            var sha256: String
            var size: Int64
        }

        /// The size, from the sibling or its LFS pointer.
        var sizeBytes: Int64 { size ?? lfs?.size ?? 0 }

        enum CodingKeys: String, CodingKey {
            case size, lfs
            case path = "rfilename"
            case blobID = "blobId"
        }
    }

    /// The repository ID as the hub spells it.
    var id: String
    /// The commit the asked revision points to.
    var sha: String?
    /// Whether downloads need an account that accepted the model's terms.
    var gated: Bool
    var libraryName: String?
    var tags: [String]
    var siblings: [Sibling]

    enum CodingKeys: String, CodingKey {
        case id, sha, gated, tags, siblings
        case libraryName = "library_name"
    }

    init(id: String, sha: String?, gated: Bool, libraryName: String? = nil, tags: [String] = [], siblings: [Sibling]) {
        self.id = id
        self.sha = sha
        self.gated = gated
        self.libraryName = libraryName
        self.tags = tags
        self.siblings = siblings
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        sha = try container.decodeIfPresent(String.self, forKey: .sha)
        // `false`, or the gating mode as a string ("auto", "manual").
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .gated) {
            gated = flag
        } else {
            gated = (try? container.decodeIfPresent(String.self, forKey: .gated)).map { $0 != "false" } ?? false
        }
        libraryName = try container.decodeIfPresent(String.self, forKey: .libraryName)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        siblings = try container.decodeIfPresent([Sibling].self, forKey: .siblings) ?? []
    }
}
