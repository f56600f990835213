import Hummingbird
import NIOCore

/// An inference request as both hops handle it: the body collected (within the limit) and its
/// routing fields read. The request's body stays attached, so disconnects can still be watched.
public struct InferenceRequest: Sendable {
    /// The request, with its body collected.
    public var request: Request
    /// The raw body, forwarded unchanged.
    public var body: ByteBuffer
    /// `model` and `stream`.
    public var fields: RoutingFields
    /// Which endpoint was called.
    public var route: InferenceRoute
}

extension RouterGroup {
    /// Registers `POST` handlers for every ``InferenceRoute`` below this group. Each collects
    /// the body once (over `bodyLimit` → 413), reads the routing fields from the JSON or, for
    /// audio, the multipart form (bad body → 400), then calls `handle`.
    @discardableResult
    public func addInferenceRoutes(
        bodyLimit: Int,
        _ handle: @escaping @Sendable (InferenceRequest, Context) async throws -> Response
    ) -> Self {
        for route in InferenceRoute.allCases {
            post(RouterPath(route.rawValue)) { request, context in
                var request = request
                let body = try await request.collectBody(upTo: bodyLimit)
                let fields =
                    route.isMultipart
                    ? try RoutingFields(multipart: body, contentType: request.headers[.contentType])
                    : try RoutingFields(parsing: body, route: route)
                return try await handle(InferenceRequest(request: request, body: body, fields: fields, route: route), context)
            }
        }
        return self
    }
}
