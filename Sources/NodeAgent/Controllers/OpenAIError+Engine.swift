import HTTPTypes
import Shared

extension OpenAIError {
    /// 503: the engine for the model is starting or could not be started.
    static func engineUnavailable(_ model: String, retryAfter: Int = 5) -> OpenAIError {
        OpenAIError(
            status: .serviceUnavailable,
            message: "The engine for '\(model)' is not available on this node.",
            type: "server_error",
            code: "engine_unavailable",
            retryAfter: retryAfter
        )
    }

    /// 503: the node runs as many requests as its capacity (routers try another node or wait).
    static func nodeBusy(capacity: Int) -> OpenAIError {
        var error = OpenAIError(
            status: .serviceUnavailable,
            message: "This node is running \(capacity) requests, its capacity. Retry shortly.",
            type: "server_error",
            code: "node_busy",
            retryAfter: 1
        )
        error.headers[HTTPField.Name(NodeBusy.header)!] = "1"
        return error
    }
}
