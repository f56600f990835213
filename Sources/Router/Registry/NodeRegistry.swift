import Foundation
import Logging
import Shared

/// The router's view of the fleet: registered nodes, the models each one serves (indexed by
/// model), exclusions, the requests in flight on each node, and the per-model queues. Every
/// routing decision is made here, atomically; changes to nodes are written through to the
/// ``NodeStore`` so they survive a restart.
actor NodeRegistry {
    var nodes: [String: Node] = [:]
    /// Live state by node ID.
    var entries: [String: RoutingEntry] = [:]
    /// The nodes each model may be routed to (listed and not excluded there), in ID order.
    var candidates: [String: [RoutingEntry]] = [:]
    /// Requests waiting in all queues together.
    var waitingCount = 0
    var everAdvertised: Set<String> = []
    var queues: [String: [QueuedRequest]] = [:]
    var rotation = 0
    /// When each node last came back with a new instance ID (its agent restarted).
    var restartedAt: [String: ContinuousClock.Instant] = [:]
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
            entries[node.id] = RoutingEntry(id: node.id, url: node.url, capacity: node.capacity, lastSeen: nil)
            everAdvertised.formUnion(node.models)
        }
        candidates = Self.candidateLists(for: Set(nodes.values.flatMap(\.models)), nodes: nodes, entries: entries)
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
            models: Set(models)
        )
        entries[id]?.lastSeen = .now
        replace(node, seen: true)
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
        guard var node = nodes[nodeID], let entry = entries[nodeID] else { return .unknownNode }
        let restarted = node.instanceID != beat.instanceID
        let changed = restarted || entry.lastSeen == nil || ModelsVersion.of(Array(node.models)) != beat.modelsVersion
        if restarted && !node.excluded.isEmpty {
            logger.info("node restarted; exclusions lifted", metadata: ["node.id": "\(nodeID)", "models": "\(node.excluded.sorted())"])
            node.excluded = []
            node.exclusionNotes = [:]
        }
        node.instanceID = beat.instanceID
        entry.lastSeen = .now
        if restarted {
            restartedAt[nodeID] = .now
            replace(node)  // persists, rebuilds candidates and dispatches waiting requests
        } else {
            nodes[nodeID] = node
            dispatch(from: nodeID)
        }
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
        entries[nodeID] = nil
        restartedAt[nodeID] = nil
        rebuildCandidates(for: node.models)
        persist { try $0.delete(id: nodeID) }
        return true
    }

    /// Stores a node and keeps its live entry, the candidate lists and the persisted copy in step.
    func replace(_ node: Node, seen: Bool = false) {
        let affected = node.models.union(nodes[node.id]?.models ?? [])
        nodes[node.id] = node
        if let entry = entries[node.id] {
            entry.url = node.url
            entry.capacity = node.capacity
        } else {
            entries[node.id] = RoutingEntry(id: node.id, url: node.url, capacity: node.capacity, lastSeen: seen ? .now : nil)
        }
        rebuildCandidates(for: affected)
        everAdvertised.formUnion(node.models)
        persist { try $0.save(node) }
        dispatch(from: node.id)
    }

    /// Recomputes the candidate lists of `models` (after a node or exclusion changed).
    func rebuildCandidates(for models: Set<String>) {
        let lists = Self.candidateLists(for: models, nodes: nodes, entries: entries)
        for model in models { candidates[model] = lists[model] }
    }

    static func candidateLists(for models: Set<String>, nodes: [String: Node], entries: [String: RoutingEntry]) -> [String: [RoutingEntry]] {
        var lists: [String: [RoutingEntry]] = [:]
        for model in models {
            let ids = nodes.values.filter { $0.models.contains(model) && !$0.excluded.contains(model) }.map(\.id).sorted()
            if !ids.isEmpty { lists[model] = ids.compactMap { entries[$0] } }
        }
        return lists
    }

    func persist(_ write: (NodeStore) throws -> Void) {
        guard let store else { return }
        do {
            try write(store)
        } catch {
            logger.error("cannot persist node state", metadata: ["error": "\(error)"])
        }
    }

    /// Every node with its live state.
    func snapshot() -> [NodeStatus] {
        nodes.values.sorted { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }.compactMap { node($0.id) }
    }

    /// One node with its live state.
    func node(_ id: String) -> NodeStatus? {
        guard let node = nodes[id], let entry = entries[id] else { return nil }
        let recentlyRestarted = restartedAt[id].map { ContinuousClock.now - $0 < .seconds(30) } ?? false
        return NodeStatus(node: node, online: isOnline(entry, now: .now), inFlight: entry.inFlight, restarting: recentlyRestarted)
    }

    /// Whether the node has been heard from recently (since this router started).
    func isOnline(_ entry: RoutingEntry, now: ContinuousClock.Instant) -> Bool {
        guard let lastSeen = entry.lastSeen else { return false }
        return now - lastSeen < settings.offlineAfter
    }

    /// The models with at least one online node they may be routed to, sorted.
    func onlineModels() -> [String] {
        let now = ContinuousClock.now
        return candidates.filter { $0.value.contains { isOnline($0, now: now) } }.keys.sorted()
    }

    /// Whether any node ever advertised the model.
    func isKnown(_ model: String) -> Bool {
        everAdvertised.contains(model)
    }
}
