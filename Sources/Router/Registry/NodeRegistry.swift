import Foundation
import Logging
import Shared

/// The router's view of the fleet: registered nodes, the models each one serves (indexed by
/// model), exclusions, the requests in flight on each node, and the per-model queues. Every
/// routing decision is made here, atomically; changes to nodes are written through to the
/// ``NodeStore`` so they survive a restart.
actor NodeRegistry {
    var nodes: [String: Node] = [:]
    /// Node IDs by the models they list (excluded or not).
    var nodesByModel: [String: Set<String>] = [:]
    var everAdvertised: Set<String> = []
    var queues: [String: [QueuedRequest]] = [:]
    var rotation = 0
    var nextTicket: UInt64 = 0
    let settings: RegistrySettings
    let store: NodeStore?
    let logger: Logger

    /// Creates a registry holding the nodes persisted in `store` (not routable until heard from).
    init(settings: RegistrySettings, store: NodeStore? = nil, logger: Logger = Logger(label: "switchyard.registry")) throws {
        self.settings = settings
        self.store = store
        self.logger = logger
        for node in try store?.all() ?? [] {
            nodes[node.id] = node
            everAdvertised.formUnion(node.models)
            for model in node.models { nodesByModel[model, default: []].insert(node.id) }
        }
    }

    /// Adds a node, or updates it in place when one with the same URL exists (same ID). A
    /// re-registration lifts the node's exclusions.
    /// - Returns: The node's ID.
    func register(_ registration: NodeRegistration, models: [String]) -> String {
        let existing = nodes.values.first { $0.url == registration.url }
        let id = existing?.id ?? UUID().uuidString.lowercased()
        let node = Node(
            id: id,
            url: registration.url,
            name: registration.name,
            instanceID: registration.instanceID,
            backend: registration.backend,
            devices: registration.devices,
            capacity: max(1, registration.capacity),
            models: Set(models),
            inFlight: existing?.inFlight ?? 0,
            lastSeen: .now
        )
        replace(node)
        return id
    }

    /// What a heartbeat asks of the router.
    enum HeartbeatOutcome: Sendable, Equatable {
        /// The node is not registered: it must register again.
        case unknownNode
        /// Nothing changed.
        case current
        /// The node restarted, its models changed, or the router restarted: pull its
        /// `/v1/models` again.
        case refreshModels(url: String)
    }

    /// Records a heartbeat. A new instance ID (the node restarted) lifts its exclusions.
    func heartbeat(nodeID: String, _ beat: NodeHeartbeat) -> HeartbeatOutcome {
        guard var node = nodes[nodeID] else { return .unknownNode }
        let restarted = node.instanceID != beat.instanceID
        let changed = restarted || node.lastSeen == nil || ModelsVersion.of(Array(node.models)) != beat.modelsVersion
        if restarted && !node.excluded.isEmpty {
            logger.info("node restarted; exclusions lifted", metadata: ["node.id": "\(nodeID)", "models": "\(node.excluded.sorted())"])
            node.excluded = []
        }
        node.instanceID = beat.instanceID
        node.lastSeen = .now
        if restarted { replace(node) } else { nodes[nodeID] = node }
        dispatch(from: nodeID)
        return changed ? .refreshModels(url: node.url) : .current
    }

    /// Replaces a node's model list after a pull.
    func updateModels(nodeID: String, models: [String]) {
        guard var node = nodes[nodeID] else { return }
        node.models = Set(models)
        replace(node)
    }

    /// Forgets a node.
    @discardableResult
    func remove(nodeID: String) -> Bool {
        guard let node = nodes.removeValue(forKey: nodeID) else { return false }
        for model in node.models { nodesByModel[model]?.remove(nodeID) }
        persist { try $0.delete(id: nodeID) }
        return true
    }

    /// Stores a node and keeps the model index and the persisted copy in step.
    func replace(_ node: Node) {
        if let old = nodes[node.id] {
            for model in old.models.subtracting(node.models) { nodesByModel[model]?.remove(node.id) }
        }
        nodes[node.id] = node
        for model in node.models { nodesByModel[model, default: []].insert(node.id) }
        everAdvertised.formUnion(node.models)
        persist { try $0.save(node) }
        dispatch(from: node.id)
    }

    func persist(_ write: (NodeStore) throws -> Void) {
        guard let store else { return }
        do {
            try write(store)
        } catch {
            logger.error("cannot persist node state", metadata: ["error": "\(error)"])
        }
    }

    /// Every node, with whether it is online.
    func snapshot() -> [(node: Node, online: Bool)] {
        nodes.values.sorted { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }.map { ($0, isOnline($0)) }
    }

    /// One node, with whether it is online.
    func node(_ id: String) -> (node: Node, online: Bool)? {
        nodes[id].map { ($0, isOnline($0)) }
    }

    /// Whether the node has been heard from recently (since this router started).
    func isOnline(_ node: Node) -> Bool {
        guard let lastSeen = node.lastSeen else { return false }
        return .now - lastSeen < settings.offlineAfter
    }

    /// The union of the routable models of online nodes, sorted.
    func onlineModels() -> [String] {
        Set(nodes.values.filter(isOnline).flatMap(\.routableModels)).sorted()
    }

    /// Whether any node ever advertised the model.
    func isKnown(_ model: String) -> Bool {
        everAdvertised.contains(model)
    }
}
