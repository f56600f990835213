import Foundation
import Hummingbird
import Shared

/// Everything the dashboard shows at one moment: nodes, the models served now and by whom,
/// registered models with their lifecycle, the last hour of traffic and the recent requests.
struct DashboardSnapshot: ResponseEncodable, Sendable {
    struct ServedModel: Encodable, Sendable {
        var id: String
        var nodes: [String]
    }

    struct RecentRequest: Encodable, Sendable {
        var record: RequestRecord
        var nodeName: String?

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(nodeName, forKey: .nodeName)
        }

        enum CodingKeys: String, CodingKey {
            case nodeName = "node_name"
        }
    }

    var generatedAt: Int
    /// The routing policy (`serve --routing`).
    var routing: RoutingPolicy
    var nodes: [NodeView]
    var served: [ServedModel]
    var registered: ModelLifecycle
    var traffic: TrafficSummary
    var recent: [RecentRequest]

    enum CodingKeys: String, CodingKey {
        case nodes, served, registered, traffic, recent, routing
        case generatedAt = "generated_at"
    }

    static func gather(registry: NodeRegistry, registrations: RegisteredModels, traffic: TrafficLog, requestLog: RequestLogStore?) async -> Self {
        let nodes = await registry.snapshot()
        let names = Dictionary(nodes.map { ($0.node.id, $0.node.name) }, uniquingKeysWith: { first, _ in first })
        var servers: [String: [String]] = [:]
        for status in nodes where status.online {
            for model in status.node.routableModels { servers[model, default: []].append(status.node.name) }
        }
        let served = servers.keys.sorted().map { ServedModel(id: $0, nodes: servers[$0]!) }
        let recent = ((try? await requestLog?.recent(limit: 50)) ?? []).map { RecentRequest(record: $0, nodeName: $0.nodeID.flatMap { names[$0] }) }
        return DashboardSnapshot(
            generatedAt: Int(Date().timeIntervalSince1970),
            routing: registry.settings.routing,
            nodes: nodes.map(NodeView.init),
            served: served,
            registered: await registrations.lifecycle(on: nodes),
            traffic: traffic.lastHour(),
            recent: recent
        )
    }
}
