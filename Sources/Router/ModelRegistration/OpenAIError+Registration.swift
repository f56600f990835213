import HTTPTypes
import Shared

extension OpenAIError {
    /// 404: the hub has no such repository, or it is private and the router's token cannot see it.
    static func repositoryNotFound(_ repo: String) -> OpenAIError {
        OpenAIError(
            status: .notFound,
            message: "The hub has no repository '\(repo)' (or it is private and HF_TOKEN on the router gives no access).",
            type: "invalid_request_error",
            param: "repo",
            code: "repository_not_found"
        )
    }

    /// 404: the repository has no such branch, tag or commit.
    static func revisionNotFound(_ revision: String, repo: String) -> OpenAIError {
        OpenAIError(
            status: .notFound,
            message: "The repository '\(repo)' has no revision '\(revision)'.",
            type: "invalid_request_error",
            param: "revision",
            code: "revision_not_found"
        )
    }

    /// 403: the repository is gated and the router has no token with access.
    static func gatedRepository(_ repo: String, hasToken: Bool) -> OpenAIError {
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
    }

    /// 400: the repository holds nothing an engine can serve, or the named file is not usable.
    static func noUsableArtifact(_ message: String, param: String = "repo") -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: "no_usable_artifact")
    }

    /// 502: the hub did not answer, or answered with a server error.
    static func hubUnavailable(_ detail: String) -> OpenAIError {
        OpenAIError(status: .badGateway, message: "The model hub could not be queried: \(detail).", type: "server_error", code: "hub_unavailable")
    }

    /// 409: a model with this ID is registered already.
    static func alreadyRegistered(_ id: String) -> OpenAIError {
        OpenAIError(
            status: .conflict,
            message: "The model '\(id)' is registered already; unregister it first to change its artifact.",
            type: "invalid_request_error",
            code: "model_already_registered"
        )
    }

    /// 404: no registered model has this ID.
    static func notRegistered(_ id: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "No registered model '\(id)'.", type: "invalid_request_error", code: "model_not_registered")
    }

    /// 503: the model is registered and still downloading on every node that will serve it.
    static func modelDownloading(_ model: String, progress: String, retryAfter: Int) -> OpenAIError {
        OpenAIError(
            status: .serviceUnavailable,
            message: "The model '\(model)' is still downloading (\(progress)). Try again shortly.",
            type: "server_error",
            code: "model_downloading",
            retryAfter: retryAfter
        )
    }
}
