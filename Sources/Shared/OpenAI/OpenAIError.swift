import Foundation
import HTTPTypes
import Hummingbird

/// An error in OpenAI's envelope, `{"error":{"message","type","param","code"}}`.
///
/// Every error a client of the router or of an agent sees is one of these; the factories in
/// `OpenAIError+Catalogue.swift` name the situations of the product contract (DESIGN.md §5).
/// The message is written for the client: it never holds an internal URL, a stack trace or a secret.
public struct OpenAIError: Error, HTTPResponseError, Sendable, Equatable {
    /// The HTTP status of the response.
    public var status: HTTPResponse.Status
    /// Extra response headers, such as `Retry-After`.
    public var headers: HTTPFields
    public var body: Body

    /// The `error` object inside the envelope.
    public struct Body: Codable, Sendable, Equatable {
        /// A message for a person.
        public var message: String
        /// The error family, e.g. `invalid_request_error`.
        public var type: String
        /// The request field at fault, when there is one.
        public var param: String?
        /// A stable machine-readable code, e.g. `model_not_found`.
        public var code: String?

        /// Creates an error body.
        public init(message: String, type: String, param: String? = nil, code: String? = nil) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        /// Encodes `param` and `code` as `null` when absent, as OpenAI does.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
    }

    /// The wire document: `{"error": …}`.
    public struct Envelope: Codable, Sendable, Equatable {
        public var error: Body

        /// Wraps an error body.
        public init(error: Body) {
            self.error = error
        }
    }

    /// Creates an error.
    /// - Parameters:
    ///   - status: HTTP status.
    ///   - message: A message for the client.
    ///   - type: The error family.
    ///   - param: The offending request field, if any.
    ///   - code: The stable error code.
    ///   - retryAfter: Seconds for a `Retry-After` header, if the client should come back later.
    public init(
        status: HTTPResponse.Status,
        message: String,
        type: String,
        param: String? = nil,
        code: String? = nil,
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.body = Body(message: message, type: type, param: param, code: code)
        self.headers = [:]
        if let retryAfter {
            self.headers[.retryAfter] = String(retryAfter)
        }
    }

    /// The JSON bytes of the envelope.
    public var jsonData: Data {
        (try? JSONEncoder.switchyard.encode(Envelope(error: body))) ?? Data(#"{"error":{"message":"error","type":"api_error"}}"#.utf8)
    }

    /// Renders the envelope as the response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jsonData)))
    }
}

extension OpenAIError: CustomStringConvertible {
    /// `status code: message`, for logs.
    public var description: String {
        "\(status.code) \(body.code ?? body.type): \(body.message)"
    }
}
