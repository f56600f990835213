import HTTPTypes
import Shared

extension NodeRegistrationError: OpenAIErrorConvertible {
    /// A refused registration as the agent sees it: 422 with the reason.
    var openAIError: OpenAIError {
        let (message, code) =
            switch self {
            case .modelListUnavailable(let reason): (reason, "model_list_unavailable")
            case .noExecutableModels: ("the node lists no executable models", "no_executable_models")
            }
        return OpenAIError(status: .unprocessableContent, message: "Registration rejected: \(message).", type: "invalid_request_error", code: code)
    }
}
