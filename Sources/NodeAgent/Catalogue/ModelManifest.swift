import Foundation

/// The optional `switchyard.json` in a model directory: declarations that override what is
/// inferred from the files.
struct ModelManifest: Codable, Sendable, Equatable {
    /// `gguf`, `safetensors` or `mlx`.
    var format: ModelFormat?
    /// Backends the artifact runs on; narrows the format's default list.
    var backends: [Backend]?
    /// Memory the model needs, overriding the estimate.
    var requiredMemoryBytes: Int64?
    /// `chat` or `embedding`.
    var kind: LocalModel.Kind?
    /// Which weights file to load when the directory holds several.
    var file: String?
    /// Extra arguments for the engine.
    var engineArguments: [String]?

    enum CodingKeys: String, CodingKey {
        case format, backends, kind, file
        case requiredMemoryBytes = "required_memory_bytes"
        case engineArguments = "engine_args"
    }

    static let fileName = "switchyard.json"

    /// Reads the manifest in `directory`; nil when there is none.
    /// - Throws: ``ManifestError`` for a manifest that exists but cannot be decoded.
    static func load(in directory: URL) throws -> ModelManifest? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: url))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw ManifestError(reason: "\(fileName): bad value for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.dataCorrupted(context) {
            throw ManifestError(reason: "\(fileName) is not valid JSON (\(context.debugDescription))")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw ManifestError(reason: "\(fileName): bad value for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw ManifestError(reason: "\(fileName) cannot be read: \(error)")
        }
    }

    /// Applies the manifest's declarations to a model read from the files.
    func apply(to model: inout LocalModel) {
        if let kind { model.kind = kind }
        if let engineArguments { model.engineArguments = engineArguments }
        model.declaredBackends = backends
        model.declaredMemoryBytes = requiredMemoryBytes
    }
}

/// A manifest that exists but cannot be used.
struct ManifestError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
