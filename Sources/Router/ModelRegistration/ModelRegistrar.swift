import Foundation
import Logging
import Shared

/// Turns a registration request into a ``RegisteredModel``: asks the hub about the repository,
/// chooses the artifact, checks that a gated repository can be downloaded with the token, and
/// pins every file to the commit the revision points to now.
struct ModelRegistrar: Sendable {
    let hub: HubClient
    let registrations: RegisteredModels

    /// The body of `POST /v0/models/register`.
    struct Request: Decodable, Sendable {
        /// `org/name` or a hub URL.
        var repo: String
        var revision: String?
        /// A file to use instead of the automatic choice.
        var file: String?
        /// `gguf`, `safetensors` or `mlx`, when the repository has several kinds.
        var format: String?
        /// Backends to limit the artifact to (e.g. `["metal"]`).
        var backends: [String]?
    }

    static let knownBackends: Set<String> = ["cuda", "rocm", "vulkan", "opencl", "metal", "cpu"]

    /// Registers the model the request names.
    /// - Throws: ``ModelRegistrationError``: what ``HubClient`` and ``ArtifactSelection`` throw,
    ///   a gated repository the token cannot open, or an ID registered already.
    func register(_ request: Request, logger: Logger) async throws(ModelRegistrationError) -> RegisteredModel {
        let reference = try RepoReference(request.repo, revision: request.revision, file: request.file)
        if let backends = request.backends, backends.isEmpty || !backends.allSatisfy(Self.knownBackends.contains) {
            throw .invalidField(
                message: "'backends' must list some of: \(Self.knownBackends.sorted().joined(separator: ", ")).",
                param: "backends"
            )
        }
        let info = try await hub.modelInfo(repo: reference.repo, revision: reference.revision, logger: logger)
        if await registrations.model(info.id) != nil { throw .alreadyRegistered(id: info.id) }
        let selection = try ArtifactSelection.choose(from: info, file: reference.file, format: request.format)
        let commit = info.sha ?? reference.revision ?? "main"
        let files = selection.files.map { sibling in
            ArtifactFile(
                path: (sibling.path as NSString).lastPathComponent,
                url: hub.resolveURL(repo: info.id, commit: commit, path: sibling.path),
                sizeBytes: sibling.sizeBytes,
                sha256: sibling.lfs?.sha256,
                gitBlobID: sibling.lfs == nil ? sibling.blobID : nil
            )
        }
        if info.gated {
            guard hub.settings.token != nil, try await hub.mayDownload(files[0].url, logger: logger) else {
                throw .gatedRepository(repo: info.id, hasToken: hub.settings.token != nil)
            }
        }
        let weights = files.filter { $0.path.hasSuffix(".gguf") || $0.path.hasSuffix(".safetensors") }.reduce(0) { $0 + $1.sizeBytes }
        let model = RegisteredModel(
            id: info.id,
            repo: info.id,
            revision: reference.revision ?? "main",
            commit: commit,
            format: selection.format,
            quantization: selection.quantization,
            files: files,
            backends: request.backends,
            requiredMemoryBytes: RegisteredModel.estimatedMemory(forWeights: weights),
            registeredAt: Int(Date().timeIntervalSince1970)
        )
        guard model.hasSafePaths else {
            throw .hubUnavailable(detail: "its answer names the repository or a file in a way that is not a safe path")
        }
        try await registrations.add(model)
        logger.info(
            "model registered",
            metadata: ["model": "\(model.id)", "format": "\(model.format)", "files": "\(files.count)", "bytes": "\(model.sizeBytes)"]
        )
        return model
    }
}
