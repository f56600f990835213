import Foundation
import Hummingbird
import Logging
import Shared

/// Model registration (DESIGN.md §4): `POST /v0/models/register`, `GET /v0/models/hub` and
/// `DELETE /v0/models/{id}` for admins; `GET /v0/models/manifests` and
/// `GET /v0/models/{id}/manifest` for agents (node token) and admins.
struct ModelRegistrationController<Context: RequestContext> {
    let registrar: ModelRegistrar
    let registrations: RegisteredModels
    let registry: NodeRegistry

    func addRoutes(to router: Router<Context>, admin: some RouterMiddleware<Context>, agentOrAdmin: some RouterMiddleware<Context>) {
        router.group("v0/models").add(middleware: admin)
            .post("register", use: register)
            .get("hub", use: lifecycle)
            .delete("**", use: unregister)
        router.group("v0/models").add(middleware: agentOrAdmin)
            .get("manifests", use: manifests)
            .get("**", use: manifest)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> EditedResponse<RegisteredModel> {
        let body = try await request.decode(as: ModelRegistrar.Request.self, context: context)
        let model = try await registrar.register(body, logger: context.logger)
        return EditedResponse(status: .created, response: model)
    }

    @Sendable func lifecycle(_ request: Request, context: Context) async throws -> ModelLifecycle {
        await registrations.lifecycle(on: await registry.snapshot())
    }

    @Sendable func unregister(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = Self.modelID(context.parameters.getCatchAll())
        try await registrations.remove(id)
        context.logger.info("model unregistered", metadata: ["model": "\(id)"])
        return .noContent
    }

    @Sendable func manifests(_ request: Request, context: Context) async throws -> RegisteredModelList {
        await registrations.list
    }

    /// `GET /v0/models/{id}/manifest`, where the ID has a slash (`org/name`) or is percent-encoded.
    @Sendable func manifest(_ request: Request, context: Context) async throws -> RegisteredModel {
        let segments = context.parameters.getCatchAll()
        guard segments.count >= 2, segments.last == "manifest" else { throw OpenAIError.routeNotFound(request.uri.path) }
        let id = Self.modelID(segments.dropLast())
        guard let model = await registrations.model(id) else { throw ModelRegistrationError.notRegistered(id: id) }
        return model
    }

    static func modelID(_ segments: some Sequence<Substring>) -> String {
        let path = segments.joined(separator: "/")
        return path.removingPercentEncoding ?? path
    }
}
