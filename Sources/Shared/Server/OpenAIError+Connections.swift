import HTTPTypes

extension OpenAIError {
    /// 503: the server holds as many connections as it allows; the client may come back soon.
    static func tooManyConnections(limit: Int) -> OpenAIError {
        OpenAIError(
            status: .serviceUnavailable,
            message: "The server has \(limit) connections open, its limit. Retry shortly.",
            type: "server_error",
            code: "too_many_connections",
            retryAfter: 1
        )
    }

    /// 431: the request line, a header field, or the head as a whole is over its limit.
    static func headerTooLarge(_ limits: ServerLimits) -> OpenAIError {
        OpenAIError(
            status: .requestHeaderFieldsTooLarge,
            message: """
                The request head is too large: at most \(limits.maxHeaderFieldBytes / 1024) KiB for the request line \
                and for each header, \(limits.maxHeaderBytes / 1024) KiB in all, and \(limits.maxHeaderCount) headers.
                """,
            type: "invalid_request_error",
            code: "request_header_too_large"
        )
    }

    /// 400: the bytes received are not an HTTP/1.1 request.
    static func malformedRequest() -> OpenAIError {
        OpenAIError(
            status: .badRequest,
            message: "The request is not valid HTTP/1.1.",
            type: "invalid_request_error",
            code: "malformed_request"
        )
    }
}
