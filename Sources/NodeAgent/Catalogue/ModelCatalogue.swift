import Foundation

/// Scans a models directory into ``LocalModel`` values.
///
/// Layout (DESIGN.md §6): each model is a directory whose path below the models directory is its
/// ID (`org/name`) holding its files, or a single `NAME.gguf` at the top (ID `NAME`). A file that
/// cannot be read gives a model with a `problem`, never a failed scan.
struct ModelCatalogue: Sendable {
    /// The models directory.
    let root: URL
    /// How deep model directories may sit (`org/name` is 2).
    static let maximumDepth = 3

    /// Every model under the root, sorted by ID.
    func scan() -> [LocalModel] {
        var models: [LocalModel] = []
        for entry in contents(of: root) {
            if entry.isDirectory {
                collect(directory: entry.url, id: entry.url.lastPathComponent, depth: 1, into: &models)
            } else if entry.url.pathExtension == "gguf" {
                let id = entry.url.deletingPathExtension().lastPathComponent
                models.append(Self.model(id: id, weights: entry.url, manifest: nil, allFiles: [entry.url]))
            }
        }
        return models.sorted { $0.id < $1.id }
    }

    private func collect(directory: URL, id: String, depth: Int, into models: inout [LocalModel]) {
        let entries = contents(of: directory)
        let files = entries.filter { !$0.isDirectory }.map(\.url)
        let ggufs = files.filter { $0.pathExtension == "gguf" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        let hasManifest = files.contains { $0.lastPathComponent == ModelManifest.fileName }
        guard ggufs.isEmpty && !hasManifest else {
            models.append(Self.directoryModel(id: id, directory: directory, ggufs: ggufs, files: files))
            return
        }
        guard depth < Self.maximumDepth else { return }
        for entry in entries where entry.isDirectory {
            collect(directory: entry.url, id: id + "/" + entry.url.lastPathComponent, depth: depth + 1, into: &models)
        }
    }

    private static func directoryModel(id: String, directory: URL, ggufs: [URL], files: [URL]) -> LocalModel {
        let manifest: ModelManifest?
        do {
            manifest = try ModelManifest.load(in: directory)
        } catch {
            return unusable(id: id, file: directory, problem: "\(error)")
        }
        if let name = manifest?.file {
            return model(id: id, weights: directory.appendingPathComponent(name), manifest: manifest, allFiles: files)
        }
        let firstShards = ggufs.filter { !$0.lastPathComponent.contains("-of-") || $0.lastPathComponent.contains("-00001-of-") }
        guard let weights = firstShards.first else {
            return unusable(id: id, file: directory, problem: "no GGUF weights file in the model directory")
        }
        guard firstShards.count == 1 else {
            return unusable(id: id, file: directory, problem: "several GGUF files; name the one to load as \"file\" in switchyard.json")
        }
        return model(id: id, weights: weights, manifest: manifest, allFiles: files)
    }

    private static func model(id: String, weights: URL, manifest: ModelManifest?, allFiles: [URL]) -> LocalModel {
        let size = allFiles.reduce(Int64(0)) { $0 + fileSize($1) }
        let metadata: GGUFMetadata
        do {
            metadata = try GGUFMetadata(contentsOf: weights)
        } catch {
            return unusable(id: id, file: weights, problem: "\(weights.lastPathComponent): \(error)")
        }
        return LocalModel(
            id: id,
            file: weights,
            kind: manifest?.kind ?? (metadata.isEmbeddingModel ? .embedding : .chat),
            sizeBytes: size,
            contextLength: metadata.contextLength,
            engineArguments: manifest?.engineArguments ?? [],
            problem: nil
        )
    }

    private static func unusable(id: String, file: URL, problem: String) -> LocalModel {
        LocalModel(id: id, file: file, kind: .chat, sizeBytes: 0, contextLength: nil, engineArguments: [], problem: problem)
    }

    private static func fileSize(_ url: URL) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func contents(of directory: URL) -> [(url: URL, isDirectory: Bool)] {
        let urls =
            (try? FileManager.default.contentsOfDirectory(
                at: directory,
                includingPropertiesForKeys: [.isDirectoryKey],
                options: [.skipsHiddenFiles]
            )) ?? []
        return urls.map { url in
            (url, (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false)
        }
    }
}
