import Hummingbird
import Shared

/// `GET /v0/models/hub`: every registered model with its state on each node. A pure function of
/// the registrations, the nodes and the agents' reports, so each rule is unit-tested.
///
/// On a node: `ready` when the node is online and lists the model; otherwise what the agent
/// reported (`queued`, `downloading` with progress, `failed` or `not_runnable_here` with the
/// reason); `registered` when it has not reported on the model yet. Overall: `ready` when any
/// node is, else `downloading` while any node fetches it, else `failed` when a node failed,
/// else `not_runnable_here` when no node can run it, else `registered`.
struct ModelLifecycle: ResponseEncodable, Sendable, Equatable {
    var models: [Entry]

    struct Entry: Encodable, Sendable, Equatable {
        var model: RegisteredModel
        var state: String
        var nodes: [NodeState]

        func encode(to encoder: any Encoder) throws {
            try model.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state, forKey: .state)
            try container.encode(model.sizeBytes, forKey: .sizeBytes)
            try container.encode(nodes, forKey: .nodes)
        }

        enum CodingKeys: String, CodingKey {
            case state, nodes
            case sizeBytes = "size_bytes"
        }
    }

    struct NodeState: Codable, Sendable, Equatable {
        var nodeID: String
        var nodeName: String
        var online: Bool
        var state: String
        var percent: Double
        var bytesDone: Int64
        var bytesTotal: Int64
        var secondsLeft: Int?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case online, state, percent, reason
            case nodeID = "node_id"
            case nodeName = "node_name"
            case bytesDone = "bytes_done"
            case bytesTotal = "bytes_total"
            case secondsLeft = "eta_seconds"
        }
    }

    init(models: [RegisteredModel], nodes: [NodeStatus], reports: [String: [String: DownloadReport]]) {
        self.models = models.map { model in
            let states = nodes.map { status in
                Self.state(of: model, on: status, report: reports[status.node.id]?[model.id])
            }
            return Entry(model: model, state: Self.overall(states), nodes: states)
        }
    }

    static func state(of model: RegisteredModel, on status: NodeStatus, report: DownloadReport?) -> NodeState {
        let node = status.node
        var state = NodeState(
            nodeID: node.id,
            nodeName: node.name,
            online: status.online,
            state: report?.state.rawValue ?? "registered",
            percent: report?.percent ?? 0,
            bytesDone: report?.bytesDone ?? 0,
            bytesTotal: report?.bytesTotal ?? model.sizeBytes,
            secondsLeft: report?.secondsLeft,
            reason: report?.reason
        )
        if status.online && node.models.contains(model.id) {
            (state.state, state.percent, state.bytesDone, state.secondsLeft, state.reason) = ("ready", 100, state.bytesTotal, nil, nil)
        } else if state.state == "ready" {
            state.state = "registered"  // on disk there, not (yet) served: the router has not pulled it
        }
        return state
    }

    static func overall(_ states: [NodeState]) -> String {
        let present = Set(states.map(\.state))
        for candidate in ["ready", "downloading", "queued", "failed"] where present.contains(candidate) {
            return candidate == "queued" ? "downloading" : candidate
        }
        if !states.isEmpty && present == ["not_runnable_here"] { return "not_runnable_here" }
        return "registered"
    }
}
