/// OpenAI's `GET /v1/models` document: `{"object":"list","data":[…]}`.
public struct ModelList: Codable, Sendable, Equatable {
    /// Always `list`.
    public var object: String
    public var data: [Model]

    /// One entry of the list.
    public struct Model: Codable, Sendable, Equatable {
        /// The model ID clients put in `model`.
        public var id: String
        /// Always `model`.
        public var object: String
        /// Unix time the model became available.
        public var created: Int
        /// Who serves it (`switchyard` for the router's aggregate, the node for an agent).
        public var ownedBy: String

        public init(id: String, created: Int, ownedBy: String) {
            self.id = id
            self.object = "model"
            self.created = created
            self.ownedBy = ownedBy
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }
    }

    public init(data: [Model]) {
        self.object = "list"
        self.data = data
    }
}
