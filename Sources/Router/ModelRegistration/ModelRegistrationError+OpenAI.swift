import HTTPTypes
import Shared

extension ModelRegistrationError: OpenAIErrorConvertible {
    /// 400 for bad fields and unusable repositories, 403 gated, 404 unknown repository,
    /// revision or registration, 409 taken, 502 hub unavailable, 500 store failure.
    var openAIError: OpenAIError {
        switch self {
        case .invalidField(let message, let param):
            return .invalidRequest(message, param: param)
        case .repositoryNotFound(let repo):
            return OpenAIError(
                status: .notFound,
                message: "The hub has no repository '\(repo)' (or it is private and HF_TOKEN on the router gives no access).",
                type: "invalid_request_error",
                param: "repo",
                code: "repository_not_found"
            )
        case .revisionNotFound(let revision, let repo):
            return OpenAIError(
                status: .notFound,
                message: "The repository '\(repo)' has no revision '\(revision)'.",
                type: "invalid_request_error",
                param: "revision",
                code: "revision_not_found"
            )
        case .gatedRepository(let repo, let hasToken):
            let advice =
                hasToken
                ? "the token in HF_TOKEN has no access: accept the model's terms on the hub with that account"
                : "accept its terms on the hub, then set HF_TOKEN for the router and the agents"
            return OpenAIError(
                status: .forbidden,
                message: "The repository '\(repo)' is gated; \(advice).",
                type: "invalid_request_error",
                param: "repo",
                code: "gated_repo"
            )
        case .noUsableArtifact(let message, let param):
            return .invalidRequest(message, param: param, code: "no_usable_artifact")
        case .hubUnavailable(let detail):
            return OpenAIError(
                status: .badGateway,
                message: "The model hub could not be queried: \(detail).",
                type: "server_error",
                code: "hub_unavailable"
            )
        case .alreadyRegistered(let id):
            return OpenAIError(
                status: .conflict,
                message: "The model '\(id)' is registered already; unregister it first to change its artifact.",
                type: "invalid_request_error",
                code: "model_already_registered"
            )
        case .notRegistered(let id):
            return OpenAIError(
                status: .notFound,
                message: "No registered model '\(id)'.",
                type: "invalid_request_error",
                code: "model_not_registered"
            )
        case .storeFailed(let action):
            return OpenAIError(status: .internalServerError, message: "The registration could not be \(action).", type: "server_error")
        }
    }
}
