import Foundation
import Logging
import Shared

/// The router's view of the fleet: registered nodes, the models each one serves (indexed by
/// model), liveness, exclusions, the requests in flight on each node, and the per-model queues.
/// Routing policy works on this state inside the actor, so every decision is atomic; it lives
/// with the rest of routing (`Routing/NodeRegistry+Selection.swift`, `+Queue.swift`). Changes
/// to nodes are written through to the ``NodeStore`` so they survive a restart.
actor NodeRegistry {
    var nodes: [String: Node] = [:]
    /// Live state of every node, densely; ``slots`` maps a node ID to its index. Removed nodes
    /// leave a free index that the next new node reuses.
    var entries: [RoutingEntry] = []
    var slots: [String: Int] = [:]
    var freeSlots: [Int] = []
    /// Each entry's gate (same index): the requests waiting on its node, given up at once when
    /// the node is declared offline (``closeGatesOfSilentNodes()``).
    var gates: [UpstreamGate] = []
    /// The nodes each model may be routed to (listed and not excluded there), as indices into
    /// ``entries``, in node ID order.
    var candidates: [String: [Int]] = [:]
    /// The nodes where each model's engine is warm (ready or starting), as indices into
    /// ``entries``: reported by heartbeats, and assumed where a request was just sent.
    var warm: [String: Set<Int>] = [:]
    /// The engines each node's last heartbeat reported, by node ID (for the node view).
    var engines: [String: [EngineReport]] = [:]
    /// Where each conversation went last.
    var sessions = SessionAffinity()
    /// The measured engine seconds per request of each model on each node, by entry index, as
    /// heartbeats report it (``FinishEstimate``).
    var serviceSeconds: [String: [Int: Double]] = [:]
    /// How long each model's engine last took to start on each node, by entry index: kept
    /// after the engine stops, since it is what a cold start there would cost.
    var startSeconds: [String: [Int: Double]] = [:]
    /// The registry's time (``ticks()`` reads it; queue timeouts wait on it).
    let clock: RegistryClock
    /// Requests waiting in all queues together.
    var waitingCount = 0
    var everAdvertised: Set<String> = []
    var queues: [String: [QueuedRequest]] = [:]
    var rotation = 0
    /// When each node last came back with a new instance ID (its agent restarted), in ticks.
    var restartedAt: [String: Int64] = [:]
    var nextTicket: UInt64 = 0
    /// When liveness stopped being judged (``freezeLiveness()``); nil while the router runs.
    var livenessFrozenAt: Int64?
    /// Changes this registry made to nodes and wrote to the database, counted; and the count
    /// at each node's last one. A read of the database begun before a node's last change here
    /// does not undo it (``NodeRegistry/reconcile(with:readAt:)``).
    var localChanges: UInt64 = 0
    var changedHere: [String: UInt64] = [:]
    let settings: RegistrySettings
    let store: NodeStore?
    let logger: Logger

    /// Creates a registry holding `restored`, the nodes read from `store` at start
    /// (``restore(settings:store:clock:logger:)``): known, but not routable until heard from.
    init(
        settings: RegistrySettings,
        store: NodeStore? = nil,
        restoring restored: [Node] = [],
        clock: RegistryClock = .continuous,
        logger: Logger = Logger(label: "switchyard.registry")
    ) {
        self.settings = settings
        self.clock = clock
        self.store = store
        self.logger = logger
        // What addEntry and updateCandidates do, inline: an actor's synchronous initialiser cannot
        // call its isolated methods. In ID order, appending keeps every candidate list sorted.
        for node in restored.sorted(by: { $0.id < $1.id }) {
            nodes[node.id] = node
            for model in node.routableModels { candidates[model, default: []].append(entries.count) }
            slots[node.id] = entries.count
            entries.append(RoutingEntry(id: node.id, url: node.url, capacity: node.capacity, credential: NodeCredential(for: node)))
            gates.append(UpstreamGate())
            everAdvertised.formUnion(node.models)
        }
    }

    /// A registry holding the nodes persisted in `store`.
    static func restore(
        settings: RegistrySettings,
        store: NodeStore,
        clock: RegistryClock = .continuous,
        logger: Logger = Logger(label: "switchyard.registry")
    ) async throws -> NodeRegistry {
        NodeRegistry(settings: settings, store: store, restoring: try await store.all(), clock: clock, logger: logger)
    }

    /// Adds a node, or updates it in place when one with the same URL exists (same ID). A
    /// re-registration lifts the node's exclusions.
    /// - Returns: The node's ID.
    /// - Parameter storedID: The ID the database already has for this URL (a node registered
    ///   through another replica), used when this registry has none.
    func register(_ registration: NodeRegistration, models: [String], storedID: String? = nil) -> String {
        let existing = nodes.values.first { $0.url == registration.url }
        let id = existing?.id ?? storedID ?? UUID().uuidString.lowercased()
        let node = Node(
            id: id,
            url: registration.url,
            name: registration.name,
            instanceID: registration.instanceID,
            backend: registration.backend,
            devices: registration.devices,
            capacity: max(1, registration.capacity),
            engine: registration.engine,
            models: Set(models)
        )
        if let slot = slots[id] {
            entries[slot].lastSeen = ticks()
            entries[slot].draining = false  // a registration is a fresh start
            gates[slot].open()
        }
        replace(node, seen: true)
        return id
    }

    /// What a heartbeat asks of the router.
    enum HeartbeatOutcome: Sendable, Equatable {
        /// The node is not registered: it must register again.
        case unknownNode
        case current
        /// The node restarted, its models changed, or the router restarted: pull its
        /// `/v1/models` again.
        case refreshModels(url: String)
    }

    /// Records a heartbeat. A new instance ID (the node restarted) lifts its exclusions.
    /// - Parameter persisting: False for a heartbeat another replica heard and stored the
    ///   consequences of.
    func heartbeat(nodeID: String, _ beat: NodeHeartbeat, persisting: Bool = true) -> HeartbeatOutcome {
        guard var node = nodes[nodeID], let slot = slots[nodeID] else { return .unknownNode }
        let restarted = node.instanceID != beat.instanceID
        let changed = restarted || entries[slot].lastSeen == nil || ModelsVersion.of(Array(node.models)) != beat.modelsVersion
        if restarted && !node.excluded.isEmpty {
            logger.info("node restarted; exclusions lifted", metadata: ["node.id": "\(nodeID)", "models": "\(node.excluded.sorted())"])
            node.excluded = []
            node.exclusionNotes = [:]
        }
        node.instanceID = beat.instanceID
        entries[slot].lastSeen = ticks()
        gates[slot].open()  // heard from: requests sent now must not be given up
        entries[slot].freeMemory = beat.freeMemoryBytes
        if settings.sharesNodes { entries[slot].othersInFlight = max(0, beat.inFlight - entries[slot].peakInFlight) }
        entries[slot].peakInFlight = entries[slot].inFlight
        let draining = beat.draining == true
        if draining && !entries[slot].draining {
            logger.info("node draining: it finishes its requests and gets no new ones", metadata: ["node.id": "\(nodeID)"])
        }
        entries[slot].draining = draining
        if restarted { forgetEngines(nodeID: nodeID, slot: slot) }
        if let reports = beat.engines { recordEngines(reports, nodeID: nodeID, slot: slot) }
        if restarted {
            restartedAt[nodeID] = ticks()
            replace(node, persisting: persisting)  // persists, rebuilds candidates and dispatches waiting requests
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

    @discardableResult
    func remove(nodeID: String, persisting: Bool = true) -> Bool {
        guard let node = nodes.removeValue(forKey: nodeID) else { return false }
        restartedAt[nodeID] = nil
        updateCandidates(of: nodeID, for: node.models)
        if let slot = slots.removeValue(forKey: nodeID) {
            forgetEngines(nodeID: nodeID, slot: slot)
            entries[slot] = RoutingEntry(id: "", url: "", capacity: 0)
            freeSlots.append(slot)
        }
        if persisting {
            store?.delete(id: nodeID)
            noteLocalChange(nodeID)
        }
        return true
    }

    /// Stores a node and keeps its live entry, the candidate lists and the persisted copy in step.
    /// - Parameter persisting: False for a change read from the database (another replica's).
    func replace(_ node: Node, seen: Bool = false, persisting: Bool = true) {
        let affected = node.models.union(nodes[node.id]?.models ?? [])
        nodes[node.id] = node
        if let slot = slots[node.id] {
            entries[slot].url = node.url
            entries[slot].capacity = node.capacity
            entries[slot].credential = NodeCredential(for: node)
        } else {
            addEntry(for: node, lastSeen: seen ? ticks() : nil)
        }
        updateCandidates(of: node.id, for: affected)
        everAdvertised.formUnion(node.models)
        if persisting {
            store?.save(node)
            noteLocalChange(node.id)
        }
        dispatch(from: node.id)
    }

    private func noteLocalChange(_ nodeID: String) {
        localChanges += 1
        changedHere[nodeID] = localChanges
    }

    /// Gives the node a live entry, reusing a freed index when there is one.
    func addEntry(for node: Node, lastSeen: Int64?) {
        let entry = RoutingEntry(id: node.id, url: node.url, capacity: node.capacity, credential: NodeCredential(for: node), lastSeen: lastSeen)
        if let slot = freeSlots.popLast() {
            entries[slot] = entry
            gates[slot] = UpstreamGate()
            slots[node.id] = slot
        } else {
            slots[node.id] = entries.count
            entries.append(entry)
            gates.append(UpstreamGate())
        }
    }

    /// Puts the node into, or takes it out of, the candidate list of each of `models`, as its
    /// current model list and exclusions say (after a node or exclusion changed). Touches only
    /// those lists, each kept in node ID order.
    func updateCandidates(of nodeID: String, for models: Set<String>) {
        let node = nodes[nodeID]
        let slot = slots[nodeID]
        for model in models {
            var list = candidates[model] ?? []
            if let slot, let index = list.firstIndex(of: slot) { list.remove(at: index) }
            if let node, let slot, node.models.contains(model), !node.excluded.contains(model) {
                let position = list.firstIndex { entries[$0].id > nodeID } ?? list.endIndex
                list.insert(slot, at: position)
            }
            candidates[model] = list.isEmpty ? nil : list
        }
    }

    /// Every node with its live state.
    func snapshot() -> [NodeStatus] {
        nodes.values.sorted { $0.name == $1.name ? $0.id < $1.id : $0.name < $1.name }.compactMap { node($0.id) }
    }

    /// One node with its live state.
    func node(_ id: String) -> NodeStatus? {
        guard let node = nodes[id], let slot = slots[id] else { return nil }
        let recentlyRestarted = restartedAt[id].map { ticks() - $0 < Self.nanoseconds(.seconds(30)) } ?? false
        return NodeStatus(
            node: node,
            online: isOnline(slot, heardSince: heardSince()),
            inFlight: entries[slot].inFlight,
            draining: entries[slot].draining,
            restarting: recentlyRestarted,
            warmModels: warmModels(slot: slot),
            engines: engines[id],
            estimatedSeconds: estimatedSeconds(slot: slot, models: node.routableModels)
        )
    }

    /// Whether the node at `slot` has been heard from since `heardSince` (a ``heardSince()``).
    func isOnline(_ slot: Int, heardSince: Int64) -> Bool {
        guard let lastSeen = entries[slot].lastSeen else { return false }
        return lastSeen > heardSince
    }

    /// The tick before which a node last heard from is offline.
    func heardSince() -> Int64 {
        (livenessFrozenAt ?? ticks()) - Self.nanoseconds(settings.offlineAfter)
    }

    /// Stops the clock of liveness (once): a draining router hears no heartbeats (its listener
    /// is closed), so nodes are judged as they were when the drain began.
    func freezeLiveness() {
        if livenessFrozenAt == nil { livenessFrozenAt = ticks() }
    }

    /// Nanoseconds since the registry started: what ``RoutingEntry/lastSeen`` holds.
    func ticks() -> Int64 {
        Self.nanoseconds(clock.elapsed)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The models with at least one online node they may be routed to, sorted.
    func onlineModels() -> [String] {
        let since = heardSince()
        return candidates.filter { $0.value.contains { isOnline($0, heardSince: since) && !entries[$0].draining } }.keys.sorted()
    }

    /// Whether any node ever advertised the model.
    func isKnown(_ model: String) -> Bool {
        everAdvertised.contains(model)
    }
}
