/// Why a model could not be registered, looked up or removed (DESIGN.md §4): the registration
/// module's own vocabulary, rendered as OpenAI's envelope at the HTTP edge
/// (``openAIError``).
enum ModelRegistrationError: Error, Equatable, Sendable {
    /// A field of the request is not acceptable; `message` says how, `param` names the field.
    case invalidField(message: String, param: String)
    /// The hub has no such repository, or it is private and the router's token cannot see it.
    case repositoryNotFound(repo: String)
    /// The repository has no such branch, tag or commit.
    case revisionNotFound(revision: String, repo: String)
    /// The repository is gated and the router has no token with access.
    case gatedRepository(repo: String, hasToken: Bool)
    /// The repository holds nothing an engine can serve, or the named file is not usable.
    case noUsableArtifact(message: String, param: String)
    /// The hub did not answer, answered with a server error, or answered something unsafe.
    case hubUnavailable(detail: String)
    /// A model with this ID is registered already.
    case alreadyRegistered(id: String)
    /// No registered model has this ID.
    case notRegistered(id: String)
    /// The registration store failed; the details are in the router's log.
    case storeFailed(action: String)
}
