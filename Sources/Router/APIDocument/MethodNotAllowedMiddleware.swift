import HTTPTypes
import Hummingbird
import Shared

/// Answers 405 `method_not_allowed`, with the `Allow` header, when no route matched a request
/// whose path the API document lists under other methods; an unknown path stays a 404. It sees
/// only Hummingbird's own "no route" error, never a handler's 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let document: APIDocument

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = document.methods(for: request.uri.path), !allowed.contains(request.method) else { throw error }
            var refusal = OpenAIError(
                status: .methodNotAllowed,
                message: "'\(request.uri.path)' does not accept \(request.method.rawValue).",
                type: "invalid_request_error",
                code: "method_not_allowed"
            )
            refusal.headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw refusal
        }
    }
}
