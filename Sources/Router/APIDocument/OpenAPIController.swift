import Hummingbird
import NIOCore
import Shared

/// `GET /openapi.json` (no key): the OpenAPI 3.1 document of the router's whole HTTP surface
/// (``APIDocument``). `scripts/test.sh` checks the live router against it with schemathesis,
/// and `docs/api-reference.md` is generated from it.
struct OpenAPIController<Context: RequestContext> {
    /// The document, or nil when the resource bundle was not installed.
    let document: APIDocument?

    func addRoutes(to router: Router<Context>) {
        router.get("openapi.json") { _, _ in
            guard let document else {
                throw OpenAIError(
                    status: .notFound,
                    message: "The OpenAPI document is not installed: copy switchyard_SwitchyardRouter.resources next to the executable.",
                    type: "invalid_request_error",
                    code: "not_found"
                )
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: .init(byteBuffer: document.bytes)
            )
        }
    }
}
