import Foundation
import Shared

/// The router's view of the fleet: registered nodes, the models each one serves, and the
/// requests in flight on each. All routing decisions are made here, atomically.
actor NodeRegistry {
    private var nodes: [String: Node] = [:]
    private var everAdvertised: Set<String> = []
    private var rotation = 0
    private let offlineAfter: Duration
    private let clock = ContinuousClock()

    /// Creates an empty registry.
    /// - Parameter offlineAfter: A node not heard from for this long is offline.
    init(offlineAfter: Duration) {
        self.offlineAfter = offlineAfter
    }

    /// Adds a node, or updates it in place when one with the same URL exists (same ID).
    /// - Returns: The node's ID.
    func register(_ registration: NodeRegistration, models: [String]) -> String {
        let existing = nodes.values.first { $0.url == registration.url }
        let id = existing?.id ?? UUID().uuidString.lowercased()
        nodes[id] = Node(
            id: id,
            url: registration.url,
            name: registration.name,
            instanceID: registration.instanceID,
            backend: registration.backend,
            devices: registration.devices,
            capacity: max(1, registration.capacity),
            models: Set(models),
            inFlight: existing?.inFlight ?? 0,
            lastSeen: clock.now
        )
        everAdvertised.formUnion(models)
        return id
    }

    /// What a heartbeat asks of the router.
    enum HeartbeatOutcome: Sendable, Equatable {
        /// The node is not registered: it must register again.
        case unknownNode
        /// Nothing changed.
        case current
        /// The node restarted or its models changed: pull its `/v1/models` again.
        case refreshModels(url: String)
    }

    /// Records a heartbeat.
    func heartbeat(nodeID: String, _ beat: NodeHeartbeat) -> HeartbeatOutcome {
        guard var node = nodes[nodeID] else { return .unknownNode }
        node.lastSeen = clock.now
        let changed = node.instanceID != beat.instanceID || ModelsVersion.of(Array(node.models)) != beat.modelsVersion
        node.instanceID = beat.instanceID
        nodes[nodeID] = node
        return changed ? .refreshModels(url: node.url) : .current
    }

    /// Replaces a node's model list after a pull.
    func updateModels(nodeID: String, models: [String]) {
        nodes[nodeID]?.models = Set(models)
        everAdvertised.formUnion(models)
    }

    /// Every registered node.
    func allNodes() -> [Node] {
        nodes.values.sorted { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }
    }

    /// Whether the node has been heard from recently.
    func isOnline(_ node: Node) -> Bool {
        clock.now - node.lastSeen < offlineAfter
    }

    /// The union of the models of online nodes, sorted.
    func onlineModels() -> [String] {
        Set(nodes.values.filter(isOnline).flatMap(\.models)).sorted()
    }

    /// Whether any node ever advertised the model.
    func isKnown(_ model: String) -> Bool {
        everAdvertised.contains(model)
    }

    /// Reserves a slot on the least-loaded online node serving `model` (relative to capacity,
    /// ties in rotation), skipping `excluded` nodes; nil when there is none.
    func acquire(model: String, excluding excluded: Set<String> = []) -> NodeLease? {
        let candidates = nodes.values
            .filter { $0.models.contains(model) && !excluded.contains($0.id) && isOnline($0) }
            .sorted { $0.id < $1.id }
        guard !candidates.isEmpty else { return nil }
        let load = { (node: Node) in Double(node.inFlight) / Double(node.capacity) }
        let lowest = candidates.map(load).min()!
        let tied = candidates.filter { load($0) == lowest }
        rotation &+= 1
        let chosen = tied[rotation % tied.count]
        nodes[chosen.id]?.inFlight += 1
        return NodeLease(nodeID: chosen.id, url: chosen.url)
    }

    /// Gives a slot back.
    func release(_ lease: NodeLease) {
        if let node = nodes[lease.nodeID], node.inFlight > 0 {
            nodes[lease.nodeID]?.inFlight -= 1
        }
    }
}
