import HTTPTypes
import Hummingbird
import Shared

/// Admits admins: a bearer admin key, or a dashboard session cookie. Requests from a session
/// that change state (anything but GET and HEAD) must also carry the session's `X-CSRF-Token`,
/// so another site cannot act with an operator's cookie (which is also `SameSite=Strict`).
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let isAdminKey: @Sendable (String) async -> Bool
    let sessions: DashboardSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token = BearerAuthMiddleware<Context>.bearerToken(in: request.headers) {
            guard await isAdminKey(token) else { throw OpenAIError.invalidAPIKey() }
            return try await next(request, context)
        }
        guard let cookie = request.cookies[DashboardSessions.cookieName]?.value, let session = await sessions.session(for: cookie) else {
            throw OpenAIError.invalidAPIKey()
        }
        let csrfMatches = RouterSecrets.matches(request.headers[.csrfToken] ?? "", hash: RouterSecrets.hash(session.csrf))
        if request.method != .get && request.method != .head && !csrfMatches {
            throw OpenAIError(
                status: .forbidden,
                message: "Missing or wrong X-CSRF-Token for this dashboard session.",
                type: "invalid_request_error",
                code: "csrf_token_invalid"
            )
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-CSRF-Token`.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
