import HTTPTypes

extension OpenAIError {
    /// 400: the request body is not what the endpoint accepts.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 401: no API key, or one that is not valid.
    public static func invalidAPIKey() -> OpenAIError {
        OpenAIError(
            status: .unauthorized,
            message: "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.",
            type: "invalid_request_error",
            code: "invalid_api_key"
        )
    }

    /// 404: no node has ever advertised the model, and it is not registered.
    public static func modelNotFound(_ model: String) -> OpenAIError {
        OpenAIError(
            status: .notFound,
            message: "The model '\(model)' does not exist or no node serves it.",
            type: "invalid_request_error",
            param: "model",
            code: "model_not_found"
        )
    }

    /// 404: the path is not an endpoint of this server.
    public static func routeNotFound(_ path: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "Unknown endpoint '\(path)'.", type: "invalid_request_error", code: "not_found")
    }

    /// 413: the request body is larger than the configured limit.
    public static func requestTooLarge(limit: Int) -> OpenAIError {
        OpenAIError(
            status: .contentTooLarge,
            message: "The request body is larger than the limit of \(limit) bytes.",
            type: "invalid_request_error",
            code: "request_too_large"
        )
    }

    /// 502: every attempt failed before the first response byte.
    public static func upstreamError(_ message: String = "The node serving this model failed to answer.") -> OpenAIError {
        OpenAIError(status: .badGateway, message: message, type: "server_error", code: "upstream_error")
    }

    /// 500: something failed that the client cannot fix; details are in the server's log only.
    public static func internalError() -> OpenAIError {
        OpenAIError(status: .internalServerError, message: "Internal server error.", type: "server_error", code: "internal_error")
    }
}
