import Hummingbird
import Shared

/// `GET /v0/nodes` for operators (admin key): every node with its status and models.
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

        enum CodingKeys: String, CodingKey {
            case id, name, url, online, backend, devices, capacity, models
            case inFlight = "in_flight"
        }
    }

    struct NodeListView: ResponseEncodable, Sendable {
        var nodes: [NodeView]
    }

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v0/nodes").add(middleware: auth).get(use: list)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> NodeListView {
        var views: [NodeView] = []
        for node in await registry.allNodes() {
            views.append(
                NodeView(
                    id: node.id,
                    name: node.name,
                    url: node.url,
                    online: await registry.isOnline(node),
                    backend: node.backend,
                    devices: node.devices,
                    capacity: node.capacity,
                    inFlight: node.inFlight,
                    models: node.models.sorted()
                )
            )
        }
        return NodeListView(nodes: views)
    }
}
