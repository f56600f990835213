import Foundation
import Hummingbird
import Shared

/// `GET /v1/models` (the union over online nodes) and `GET /v1/models/{id}`, in OpenAI's shape,
/// or in Anthropic's when the request carries `anthropic-version`.
struct ModelsController<Context: RequestContext> {
    let registry: NodeRegistry
    let startedAt = Int(Date().timeIntervalSince1970)

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("models", use: list)
        group.get("models/**", use: show)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let models = await registry.onlineModels()
        guard request.headers[.anthropicVersion] == nil else {
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first }
            let page = try AnthropicModelList(ids: models.sorted(), createdAt: started, query: query)
            return try page.response(from: request, context: context)
        }
        return try ModelList(data: models.map(entry)).response(from: request, context: context)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        // Clients send `org/name` either as two path segments or percent-encoded as one.
        let path = context.parameters.getCatchAll().joined(separator: "/")
        let id = path.removingPercentEncoding ?? path
        guard await registry.onlineModels().contains(id) else {
            throw OpenAIError.modelNotFound(id)
        }
        guard request.headers[.anthropicVersion] == nil else {
            return try AnthropicModelList.Model(id: id, createdAt: started).response(from: request, context: context)
        }
        return try entry(id).response(from: request, context: context)
    }

    private var started: Date { Date(timeIntervalSince1970: TimeInterval(startedAt)) }

    private func entry(_ id: String) -> ModelList.Model {
        ModelList.Model(id: id, created: startedAt, ownedBy: "switchyard")
    }
}
