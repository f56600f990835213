import Hummingbird
import Shared

/// The admin surface for nodes (admin key): `GET /v0/nodes`, `GET /v0/nodes/{id}`,
/// `DELETE /v0/nodes/{id}`, `DELETE /v0/nodes/{id}/exclusions` (all) and
/// `DELETE /v0/nodes/{id}/exclusions/{model}` (one model).
struct AdminNodesController<Context: RequestContext> {
    let registry: NodeRegistry

    struct NodeView: ResponseEncodable, Sendable {
        var id: String
        var name: String
        var url: String
        var online: Bool
        var backend: String
        var devices: [String]
        var capacity: Int
        var inFlight: Int
        var models: [String]
        var executableModels: [String]
        var excludedModels: [String]

        enum CodingKeys: String, CodingKey {
            case id, name, url, online, backend, devices, capacity, models
            case inFlight = "in_flight"
            case executableModels = "executable_models"
            case excludedModels = "excluded_models"
        }

        init(_ status: NodeStatus) {
            let node = status.node
            self.id = node.id
            self.name = node.name
            self.url = node.url
            self.online = status.online
            self.backend = node.backend
            self.devices = node.devices
            self.capacity = node.capacity
            self.inFlight = status.inFlight
            self.models = node.models.sorted()
            self.executableModels = node.routableModels.sorted()
            self.excludedModels = node.excluded.sorted()
        }
    }

    struct NodeListView: ResponseEncodable, Sendable {
        var nodes: [NodeView]
    }

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v0/nodes").add(middleware: auth)
            .get(use: list)
            .get(":id", use: show)
            .delete(":id", use: remove)
            .delete(":id/exclusions", use: clearExclusions)
            .delete(":id/exclusions/**", use: clearExclusions)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> NodeListView {
        NodeListView(nodes: await registry.snapshot().map(NodeView.init))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> NodeView {
        let id = try context.parameters.require("id")
        guard let status = await registry.node(id) else { throw Self.unknownNode(id) }
        return NodeView(status)
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id")
        guard await registry.remove(nodeID: id) else { throw Self.unknownNode(id) }
        return .noContent
    }

    @Sendable func clearExclusions(_ request: Request, context: Context) async throws -> NodeView {
        let id = try context.parameters.require("id")
        let model = context.parameters.getCatchAll().joined(separator: "/")
        guard await registry.clearExclusions(nodeID: id, model: model.isEmpty ? nil : model), let status = await registry.node(id) else {
            throw Self.unknownNode(id)
        }
        return NodeView(status)
    }

    static func unknownNode(_ id: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "No node '\(id)'.", type: "invalid_request_error", code: "node_not_found")
    }
}
