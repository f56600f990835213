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
        var engine: EngineKind?
        /// The backend it computes on when served.
        var runsOn: String?
        var reason: String?
        var note: String?
        /// The parts of ``requiredMemoryBytes``.
        var memory: MemoryEstimate?

        enum CodingKeys: String, CodingKey {
            case id, format, kind, file, backends, executable, engine, reason, note, memory
            case runsOn = "runs_on"
            case sizeBytes = "size_bytes"
            case requiredMemoryBytes = "required_memory_bytes"
            case contextLength = "context_length"
        }
    }

    var backend: String
    /// Where the managed llama-server runs GGUF models (`engine_target` of `GET /v0/system`).
    var engineTarget: EngineTarget?
    var models: [Entry]

    enum CodingKeys: String, CodingKey {
        case backend, models
        case engineTarget = "engine_target"
    }

    init(report: DetectionReport, verdicts: [ModelVerdict]) {
        self.backend = report.backend.rawValue
        self.engineTarget = report.engineTarget
        self.models = verdicts.map { verdict in
            let model = verdict.model
            return Entry(
                id: model.id,
                format: model.format.rawValue,
                kind: model.kind.rawValue,
                file: model.file.lastPathComponent,
                backends: model.backends.map(\.rawValue),
                sizeBytes: model.sizeBytes,
                requiredMemoryBytes: verdict.memory?.totalBytes ?? model.sizeBytes,
                contextLength: model.contextLength,
                executable: verdict.isExecutable,
                engine: verdict.engine,
                runsOn: verdict.runsOn?.rawValue,
                reason: verdict.reason,
                note: verdict.note,
                memory: verdict.memory
            )
        }
    }
}
