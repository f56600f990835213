import HTTPTypes
import Shared

extension RoutingError: OpenAIErrorConvertible {
    /// The envelope clients see (DESIGN.md §5).
    var openAIError: OpenAIError {
        switch self {
        case .modelNotFound(let model):
            return .modelNotFound(model)
        case .noCapableNodes(let model):
            return OpenAIError(
                status: .serviceUnavailable,
                message: "No node that can run '\(model)' is available right now. Try again shortly.",
                type: "server_error",
                code: "no_capable_nodes",
                retryAfter: 5
            )
        case .modelDownloading(let model, let progress, let retryAfter):
            return OpenAIError(
                status: .serviceUnavailable,
                message: "The model '\(model)' is still downloading (\(progress)). Try again shortly.",
                type: "server_error",
                code: "model_downloading",
                retryAfter: retryAfter
            )
        case .queueFull(let model, let retryAfter):
            return OpenAIError(
                status: .tooManyRequests,
                message: "Too many requests are waiting for '\(model)'. Try again shortly.",
                type: "rate_limit_error",
                code: "queue_full",
                retryAfter: retryAfter
            )
        case .queueTimeout(let model):
            return OpenAIError(
                status: .gatewayTimeout,
                message: "The request waited too long for a node that can run '\(model)'.",
                type: "server_error",
                code: "queue_timeout"
            )
        case .upstreamFailed:
            return .upstreamError()
        case .routerOverloaded:
            return OpenAIError(
                status: .serviceUnavailable,
                message: "The router has too many connections open to take this request. Try again shortly.",
                type: "server_error",
                code: "router_overloaded",
                retryAfter: 1
            )
        }
    }
}
