import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` (the union over online nodes) and `GET /v1/models/{id}`.
struct ModelsController<Context: RequestContext> {
    let registry: NodeRegistry
    let startedAt = Int(Date().timeIntervalSince1970)

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("models", use: list)
        group.get("models/**", use: show)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ModelList {
        ModelList(data: await registry.onlineModels().map(entry))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> ModelList.Model {
        // Clients send `org/name` either as two path segments or percent-encoded as one.
        let path = context.parameters.getCatchAll().joined(separator: "/")
        let id = path.removingPercentEncoding ?? path
        guard await registry.onlineModels().contains(id) else {
            throw OpenAIError.modelNotFound(id)
        }
        return entry(id)
    }

    private func entry(_ id: String) -> ModelList.Model {
        ModelList.Model(id: id, created: startedAt, ownedBy: "switchyard")
    }
}
