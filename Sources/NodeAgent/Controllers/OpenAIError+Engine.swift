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
}
