import Foundation
import Hummingbird
import Shared

/// Anthropic's `GET /v1/models` document, what the router answers a request that carries
/// `anthropic-version` (the Anthropic SDKs and Claude Code send it): `data` of models with
/// `type`, `id`, `display_name` and `created_at`, paged by `limit` (1–1000, default 20),
/// `after_id` and `before_id`, with `has_more`, `first_id` and `last_id`.
struct AnthropicModelList: ResponseEncodable, Sendable {
    struct Model: ResponseEncodable, Codable, Sendable, Equatable {
        var type = "model"
        var id: String
        var displayName: String
        /// RFC 3339.
        var createdAt: String

        init(id: String, createdAt: Date) {
            self.id = id
            self.displayName = id.split(separator: "/").last.map(String.init) ?? id
            self.createdAt = ISO8601DateFormatter().string(from: createdAt)
        }

        enum CodingKeys: String, CodingKey {
            case type, id
            case displayName = "display_name"
            case createdAt = "created_at"
        }
    }

    var data: [Model]
    var hasMore: Bool
    var firstID: String?
    var lastID: String?

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case firstID = "first_id"
        case lastID = "last_id"
    }

    /// One page of `ids` (sorted) as `query` asks for it.
    /// - Throws: ``OpenAIError`` (400) for a `limit` outside 1–1000.
    init(ids: [String], createdAt: Date, query: [String: String]) throws {
        var limit = 20
        if let raw = query["limit"] {
            guard let value = Int(raw), (1...1000).contains(value) else {
                throw OpenAIError.invalidRequest("'limit' must be an integer from 1 to 1000.", param: "limit")
            }
            limit = value
        }
        var page = ids[...]
        if let after = query["after_id"] {
            page = page.drop { $0 <= after }
            hasMore = page.count > limit
            page = page.prefix(limit)
        } else if let before = query["before_id"] {
            let earlier = page.prefix { $0 < before }
            hasMore = earlier.count > limit
            page = earlier.suffix(limit)
        } else {
            hasMore = page.count > limit
            page = page.prefix(limit)
        }
        data = page.map { Model(id: $0, createdAt: createdAt) }
        firstID = data.first?.id
        lastID = data.last?.id
    }
}
