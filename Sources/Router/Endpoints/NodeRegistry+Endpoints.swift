import Foundation
import Shared

extension NodeRegistry {
    /// An endpoint as the monitor polls it.
    struct EndpointTarget: Sendable {
        var id: String
        var url: String
        var credential: NodeCredential
    }

    /// Adds an endpoint, heard from now, or updates the node at the same URL (same ID; its
    /// exclusions lifted, as for an agent that registers again).
    /// - Returns: The node's ID.
    func registerEndpoint(url: String, name: String, capacity: Int, settings: EndpointSettings, models: [String]) -> String {
        let id = nodes.values.first { $0.url == url }?.id ?? UUID().uuidString.lowercased()
        var node = Node(
            id: id,
            url: url,
            name: name,
            instanceID: "endpoint-1",
            backend: "unknown",
            devices: [],
            capacity: max(1, capacity),
            engine: settings.serverType.rawValue,
            models: Set(models)
        )
        node.endpoint = settings
        if let slot = slots[id] {
            entries[slot].lastSeen = ticks()
            gates[slot].open()
        }
        replace(node, seen: true)
        return id
    }

    /// The endpoints to poll.
    func endpointTargets() -> [EndpointTarget] {
        nodes.values.compactMap { node in
            node.endpoint == nil ? nil : EndpointTarget(id: node.id, url: node.url, credential: NodeCredential(for: node))
        }
    }

    /// An endpoint answered its poll with `listed`: it is heard from now and its model list
    /// follows the answer, through its allow-list as it is now (a poll sent before the operator
    /// registered it again applies the new one). When it `recovered` (it failed the polls
    /// before), it counts as restarted: a new instance, its exclusions lifted, as for an agent
    /// that restarts.
    func endpointAnswered(id: String, listed: [String], recovered: Bool) {
        guard let node = nodes[id], let settings = node.endpoint else { return }
        let models = settings.routable(listed)
        let instance = recovered ? UUID().uuidString.lowercased() : node.instanceID
        let beat = NodeHeartbeat(instanceID: instance, inFlight: 0, modelsVersion: ModelsVersion.of(models))
        if case .refreshModels = heartbeat(nodeID: id, beat), Set(models) != nodes[id]?.models {
            updateModels(nodeID: id, models: models)
        }
    }
}
