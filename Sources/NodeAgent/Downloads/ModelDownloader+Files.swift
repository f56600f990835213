import Foundation
import Shared

extension ModelDownloader {
    /// What the agent writes next to a model it downloaded, to recognise it later.
    struct Marker: Codable {
        var id: String
        var commit: String
        /// The registration's fingerprint: a registration with other files replaces the copy.
        var fingerprint: String
    }

    var stagingRoot: URL { root.appendingPathComponent(Self.stagingFolder) }

    /// `org/name` → `org+name@FINGERPRINT` (`+` and `@` never occur in IDs, so two models never
    /// share a folder, and files of another registration of the same model are never mixed in).
    static func stagingName(for model: RegisteredModel) -> String {
        model.id.replacingOccurrences(of: "/", with: "+") + "@" + model.fingerprint
    }

    /// Bytes already on disk for the model (finished and partial files).
    func stagedBytes(of model: RegisteredModel) -> Int64 {
        let staging = stagingRoot.appendingPathComponent(Self.stagingName(for: model))
        return model.files.reduce(0) { total, file in
            let finished = staging.appendingPathComponent(file.path)
            let partial = finished.appendingPathExtension("partial")
            let size = [finished, partial].compactMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int }.first
            return total + Int64(size ?? 0)
        }
    }

    /// Writes the model's `switchyard.json` and marker, then moves the staged directory into place.
    func install(_ model: RegisteredModel) throws {
        let staging = stagingRoot.appendingPathComponent(Self.stagingName(for: model))
        // A GGUF header sizes the KV cache better than the router's rule of thumb, so GGUF
        // models keep no memory figure of their own.
        let manifest = ModelManifest(
            format: ModelFormat(rawValue: model.format),
            backends: model.backends?.compactMap(Backend.init(rawValue:)),
            requiredMemoryBytes: model.format == "gguf" ? nil : model.requiredMemoryBytes,
            file: model.format == "gguf" ? model.files.first?.path : nil
        )
        try JSONEncoder().encode(manifest).write(to: staging.appendingPathComponent(ModelManifest.fileName))
        try JSONEncoder().encode(Marker(id: model.id, commit: model.commit, fingerprint: model.fingerprint)).write(
            to: staging.appendingPathComponent(Self.markerName)
        )
        let destination = root.appendingPathComponent(model.id)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try FileManager.default.moveItem(at: staging, to: destination)
        } catch {
            throw DownloadFailure.permanent("cannot move the download into place: \(destination.lastPathComponent) exists")
        }
    }

    /// The models this agent downloaded, with the fingerprint of each (found by their marker).
    func installedModels() -> [String: String] {
        var found: [String: String] = [:]
        func visit(_ directory: URL, id: String?, depth: Int) {
            if let id, let data = try? Data(contentsOf: directory.appendingPathComponent(Self.markerName)),
                let marker = try? JSONDecoder().decode(Marker.self, from: data), marker.id == id
            {
                found[id] = marker.fingerprint
                return
            }
            guard depth < ModelCatalogue.maximumDepth else { return }
            for entry in ModelCatalogue.contents(of: directory) where entry.isDirectory {
                let name = entry.url.lastPathComponent
                visit(entry.url, id: id.map { "\($0)/\(name)" } ?? name, depth: depth + 1)
            }
        }
        visit(root, id: nil, depth: 0)
        return found
    }
}
