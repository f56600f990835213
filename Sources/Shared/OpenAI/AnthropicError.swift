import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// An error in Anthropic's shape, `{"type":"error","error":{"type","message"}}`: what clients of
/// `/v1/messages` (Claude Code, the Anthropic SDKs) expect. Made from the ``OpenAIError`` the
/// same situation has elsewhere, keeping its status and headers (`Retry-After`); the type
/// follows the status as Anthropic's API names them.
public struct AnthropicError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    /// Anthropic's error type, e.g. `not_found_error`.
    public var type: String
    public var message: String

    /// The document on the wire.
    public struct Document: Codable, Sendable, Equatable {
        public struct Detail: Codable, Sendable, Equatable {
            public var type: String
            public var message: String

            public init(type: String, message: String) {
                self.type = type
                self.message = message
            }
        }
        /// Always `error`.
        public var type = "error"
        public var error: Detail

        public init(error: Detail) {
            self.error = error
        }
    }

    public init(_ error: OpenAIError) {
        self.init(status: error.status, message: error.body.message, headers: error.headers)
    }

    public init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.headers = headers
        self.type = Self.type(for: status)
        self.message = message
    }

    /// The same error told by an engine that answers in OpenAI's envelope (llama-server does on
    /// every endpoint): its message, else its whole body as text.
    public init(status: HTTPResponse.Status, engineBody: ByteBuffer) {
        struct Envelope: Decodable {
            struct Detail: Decodable { var message: String }
            var error: Detail
        }
        let message = (try? JSONDecoder().decode(Envelope.self, from: Data(buffer: engineBody)))?.error.message
        self.init(status: status, message: message ?? String(buffer: engineBody))
    }

    /// Anthropic's error type for an HTTP status.
    static func type(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400, 413, 422: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 503, 529: "overloaded_error"
        case 504: "timeout_error"
        default: "api_error"
        }
    }

    /// The JSON bytes of the document.
    public var jsonData: Data {
        (try? JSONEncoder.switchyard.encode(Document(error: .init(type: type, message: message))))
            ?? Data(#"{"type":"error","error":{"type":"api_error","message":"error"}}"#.utf8)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonData)))
    }
}
