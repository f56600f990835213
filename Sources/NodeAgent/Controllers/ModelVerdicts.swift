import Foundation
import Hummingbird

/// The `GET /v0/models` document: every local model with whether it is served and why not.
struct ModelVerdicts: ResponseEncodable, Sendable {
    struct Entry: Codable, Sendable {
        var id: String
        var kind: String
        var file: String
        var sizeBytes: Int64
        var contextLength: Int?
        var executable: Bool
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, file, executable, reason
            case sizeBytes = "size_bytes"
            case contextLength = "context_length"
        }
    }

    var models: [Entry]

    init(models: [LocalModel]) {
        self.models = models.map {
            Entry(
                id: $0.id,
                kind: $0.kind.rawValue,
                file: $0.file.lastPathComponent,
                sizeBytes: $0.sizeBytes,
                contextLength: $0.contextLength,
                executable: $0.isExecutable,
                reason: $0.problem
            )
        }
    }
}
