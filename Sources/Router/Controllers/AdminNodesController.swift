import Hummingbird
import NIOCore
import NIOHTTP1
import Shared

/// The admin surface for nodes (admin key): `GET /v0/nodes`, `GET /v0/nodes/{id}`,
/// `DELETE /v0/nodes/{id}`, `DELETE /v0/nodes/{id}/exclusions` (all) and
/// `DELETE /v0/nodes/{id}/exclusions/{model}` (one model); and the node's own detection report
/// and model verdicts, fetched from its agent: `GET /v0/nodes/{id}/system`,
/// `GET /v0/nodes/{id}/models`.
struct AdminNodesController<Context: RequestContext> {
    let registry: NodeRegistry
    let agents: AgentClient

    struct NodeListView: ResponseEncodable, Sendable {
        /// The routing policy (`serve --routing`).
        var routing: RoutingPolicy
        var nodes: [NodeView]
    }

    func addRoutes(to router: Router<Context>, protectedBy auth: some RouterMiddleware<Context>) {
        router.group("v0/nodes").add(middleware: auth)
            .get(use: list)
            .get(":id", use: show)
            .delete(":id", use: remove)
            .delete(":id/exclusions", use: clearExclusions)
            .delete(":id/exclusions/**", use: clearExclusions)
            .get(":id/system") { request, context in try await self.agentDocument("/v0/system", context: context) }
            .get(":id/models") { request, context in try await self.agentDocument("/v0/models", context: context) }
    }

    /// A document from the node's agent, passed through (the agent's address stays internal).
    func agentDocument(_ path: String, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let status = await registry.node(id) else { throw Self.unknownNode(id) }
        guard status.node.endpoint == nil else {
            // No agent there, and the node token is never presented to a server the fleet does not run.
            throw OpenAIError(
                status: .notFound,
                message: "Node '\(id)' is an endpoint: it has no agent to report this.",
                type: "invalid_request_error",
                code: "not_an_agent"
            )
        }
        do {
            let body = try await agents.get(status.node.url + path, timeout: .seconds(5), logger: context.logger)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        } catch let error as AgentClient.UnexpectedStatus {
            throw OpenAIError.upstreamError("The node answered \(error.code).")
        } catch {
            throw OpenAIError.upstreamError("The node could not be reached: \(NetworkErrorSummary.describe(error)).")
        }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> NodeListView {
        NodeListView(routing: registry.settings.routing, nodes: await registry.snapshot().map(NodeView.init))
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
        let model = ModelRegistrationController<Context>.modelID(context.parameters.getCatchAll())
        guard await registry.clearExclusions(nodeID: id, model: model.isEmpty ? nil : model), let status = await registry.node(id) else {
            throw Self.unknownNode(id)
        }
        return NodeView(status)
    }

    static func unknownNode(_ id: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: "No node '\(id)'.", type: "invalid_request_error", code: "node_not_found")
    }
}
