import Foundation

/// Scans a models directory into ``LocalModel`` values.
///
/// Layout (DESIGN.md §6): each model is a directory whose path below the models directory is its
/// ID (`org/name`) holding its files, or a single `NAME.gguf` at the top (ID `NAME`). A
/// directory is a model when it holds GGUF or safetensors weights, a `config.json` or a
/// `switchyard.json`. Files that cannot be used give a model with a `fileProblem`, never a
/// failed scan; hidden files and partial downloads' temporary files are not models.
struct ModelCatalogue: Sendable {
    let root: URL
    /// How deep model directories may sit (`org/name` is 2).
    static let maximumDepth = 3

    /// Every model under the root, sorted by ID.
    func scan() -> [LocalModel] {
        var models: [LocalModel] = []
        for entry in Self.contents(of: root) {
            if entry.isDirectory {
                collect(directory: entry.url, id: entry.url.lastPathComponent, depth: 1, into: &models)
            } else if entry.url.pathExtension == "gguf" {
                let id = entry.url.deletingPathExtension().lastPathComponent
                models.append(Self.ggufModel(id: id, candidates: [entry.url], manifest: nil))
            }
        }
        return Self.deduplicated(models)
    }

    /// Sorted by ID; when two entries claim one ID (`NAME.gguf` next to a directory `NAME`), the
    /// first by path keeps it and the others say why they are not served.
    static func deduplicated(_ models: [LocalModel]) -> [LocalModel] {
        var seen: [String: URL] = [:]
        return models.sorted { ($0.id, $0.file.path) < ($1.id, $1.file.path) }.map { model in
            guard let owner = seen[model.id] else {
                seen[model.id] = model.file
                return model
            }
            var duplicate = model
            duplicate.fileProblem = "the ID is already taken by \(owner.lastPathComponent)"
            return duplicate
        }
    }

    private func collect(directory: URL, id: String, depth: Int, into models: inout [LocalModel]) {
        let entries = Self.contents(of: directory)
        let files = entries.filter { !$0.isDirectory }.map(\.url)
        let names = Set(files.map(\.lastPathComponent))
        let isModel =
            files.contains { ["gguf", "safetensors"].contains($0.pathExtension) }
            || names.contains("config.json") || names.contains(ModelManifest.fileName)
        guard isModel else {
            guard depth < Self.maximumDepth else { return }
            for entry in entries where entry.isDirectory {
                collect(directory: entry.url, id: id + "/" + entry.url.lastPathComponent, depth: depth + 1, into: &models)
            }
            return
        }
        models.append(Self.directoryModel(id: id, directory: directory, files: files))
    }

    private static func directoryModel(id: String, directory: URL, files: [URL]) -> LocalModel {
        let manifest: ModelManifest?
        do {
            manifest = try ModelManifest.load(in: directory)
        } catch {
            return unusable(id: id, file: directory, problem: "\(error)")
        }
        if let partial = files.first(where: { ["incomplete", "part", "partial", "download"].contains($0.pathExtension) }) {
            return unusable(id: id, file: directory, problem: "files incomplete: \(partial.lastPathComponent) is still downloading")
        }
        let ggufs = files.filter { $0.pathExtension == "gguf" }
        let format = manifest?.format ?? (ggufs.isEmpty ? nil : .gguf)
        var model: LocalModel
        if format == .gguf {
            let candidates = manifest?.file.map { [directory.appendingPathComponent($0)] } ?? ggufs
            model = ggufModel(id: id, candidates: candidates, manifest: manifest)
        } else {
            model = hubModel(id: id, directory: directory, files: files, declared: format)
        }
        manifest?.apply(to: &model)
        return model
    }

    /// A cheap summary of the tree (paths, sizes, modification times) that changes whenever a
    /// model is added, removed, or finishes downloading.
    func fingerprint() -> Int {
        var hasher = Hasher()
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            let values = try? url.resourceValues(forKeys: Set(keys))
            hasher.combine(url.path)
            hasher.combine(values?.fileSize)
            hasher.combine(values?.contentModificationDate)
        }
        return hasher.finalize()
    }

    static func unusable(id: String, file: URL, problem: String, format: ModelFormat = .gguf) -> LocalModel {
        LocalModel(id: id, format: format, file: file, kind: .chat, sizeBytes: 0, contextLength: nil, fileProblem: problem)
    }

    /// The size of a file, following symbolic links.
    static func fileSize(_ url: URL) -> Int64 {
        Int64((try? url.resolvingSymlinksInPath().resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
    }

    static func contents(of directory: URL) -> [(url: URL, isDirectory: Bool)] {
        let urls =
            (try? FileManager.default.contentsOfDirectory(
                at: directory.resolvingSymlinksInPath(),
                includingPropertiesForKeys: [.isDirectoryKey],
                options: [.skipsHiddenFiles]
            )) ?? []
        // Linked model directories and files count like real ones.
        return urls.map { url in
            (url, (try? url.resolvingSymlinksInPath().resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false)
        }
    }
}
