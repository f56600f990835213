import Crypto
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` accepted by a verifier (or, where allowed, the
/// same token in `x-api-key`, as Anthropic's clients send it); answers 401 in the API's error
/// shape otherwise. The presented token is never logged or echoed.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let verify: @Sendable (String) async -> Bool
    /// Whether an `x-api-key` header is accepted when no `Authorization` header is present.
    private var acceptsAPIKeyHeader = false

    /// Creates the middleware.
    /// - Parameter verify: Decides whether a presented token is valid.
    public init(verify: @escaping @Sendable (String) async -> Bool) {
        self.verify = verify
    }

    /// Accepts exactly one shared secret, compared in constant time.
    public init(secret: String) {
        let expected = SHA256.hash(data: Array(secret.utf8))
        self.init { token in
            SHA256.hash(data: Array(token.utf8)) == expected
        }
    }

    /// The same check, also accepting the token in an `x-api-key` header (Anthropic's clients)
    /// when the request has no `Authorization` header.
    public func acceptingAPIKeyHeader() -> Self {
        var middleware = self
        middleware.acceptsAPIKeyHeader = true
        return middleware
    }

    /// Checks the token, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented =
            acceptsAPIKeyHeader && request.headers[.authorization] == nil
            ? Self.single(request.headers[values: .xAPIKey]) : Self.bearerToken(in: request.headers)
        guard let token = presented, await verify(token) else {
            throw OpenAIError.invalidAPIKey()
        }
        return try await next(request, context)
    }

    /// The one value of a header sent once; nil when absent, sent twice or empty.
    private static func single(_ values: [String]) -> String? {
        values.count == 1 && !values[0].isEmpty ? values[0] : nil
    }

    /// The token of an `Authorization: Bearer …` header, if any (none when the request carries
    /// more than one `Authorization` header). Reads the header's bytes in place: it runs for
    /// every request.
    public static func bearerToken(in headers: HTTPFields) -> String? {
        var value: String?
        for field in headers where field.name == .authorization {
            guard value == nil else { return nil }
            value = field.value
        }
        guard var value else { return nil }
        return value.withUTF8 { bytes in
            guard bytes.starts(withCaseInsensitive: "bearer ") else { return nil }
            let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            var (start, end) = ("bearer ".utf8.count, bytes.count)
            while start < end, blank(bytes[start]) { start += 1 }
            while end > start, blank(bytes[end - 1]) { end -= 1 }
            return start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : nil
        }
    }
}
