import Foundation
import Hummingbird

/// The `GET /v0/models` document: every local model with whether it is served and why not.
struct ModelVerdicts: ResponseEncodable, Sendable {
    struct Entry: Codable, Sendable {
        var id: String
        var format: String
        var kind: String
        var file: String
        var backends: [String]
        var sizeBytes: Int64
        var requiredMemoryBytes: Int64
        var contextLength: Int?
        var executable: Bool
        var engine: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case id, format, kind, file, backends, executable, engine, reason
            case sizeBytes = "size_bytes"
            case requiredMemoryBytes = "required_memory_bytes"
            case contextLength = "context_length"
        }
    }

    var backend: String
    var models: [Entry]

    init(backend: Backend, verdicts: [ModelVerdict]) {
        self.backend = backend.rawValue
        self.models = verdicts.map { verdict in
            let model = verdict.model
            return Entry(
                id: model.id,
                format: model.format.rawValue,
                kind: model.kind.rawValue,
                file: model.file.lastPathComponent,
                backends: model.backends.map(\.rawValue),
                sizeBytes: model.sizeBytes,
                requiredMemoryBytes: model.requiredMemoryBytes,
                contextLength: model.contextLength,
                executable: verdict.isExecutable,
                engine: verdict.engine,
                reason: verdict.reason
            )
        }
    }
}
