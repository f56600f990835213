import Crypto
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <token>` accepted by a verifier; answers 401 in OpenAI's
/// envelope otherwise. The presented token is never logged or echoed.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let verify: @Sendable (String) async -> Bool

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

    /// Checks the token, then runs the rest of the chain.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(in: request.headers), await verify(token) else {
            throw OpenAIError.invalidAPIKey()
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header, if any.
    public static func bearerToken(in headers: HTTPFields) -> String? {
        guard let value = headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var token = parts[1].drop(while: blank)
        while let last = token.last, blank(last) { token.removeLast() }
        return token.isEmpty ? nil : String(token)
    }
}
