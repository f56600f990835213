import Shared
import Testing

@testable import SwitchyardRouter

/// How a registry follows other replicas: changes read back from the database are applied
/// without being written again, the others' load counts when nodes are shared, and a router
/// that just started waits for its restored nodes' first word.
@Suite struct ReplicaRegistryTests {
    static let node = Node(id: "n1", url: "http://a", name: "a", instanceID: "i1", backend: "cpu", devices: [], capacity: 2, models: ["m", "n"])
    static let beat = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "n"]))

    func lease(_ acquisition: NodeRegistry.Acquisition) -> NodeLease? {
        if case .leased(let lease) = acquisition { return lease }
        return nil
    }

    @Test func othersRequestsFromHeartbeatsCountOnlyWhereNodesAreShared() async throws {
        for shared in [false, true] {
            let registry = NodeRegistry(settings: RegistrySettings(sharesNodes: shared), clock: RegistryClock(ManualClock()))
            let id = await registry.register(
                NodeRegistration(url: "http://a", instanceID: "i1", name: "a", backend: "cpu", devices: [], capacity: 2),
                models: ["m"]
            )
            let own = try #require(lease(await registry.tryAcquire(model: "m")))
            // The node runs two requests: this router's, and one another replica sent.
            var busy = Self.beat
            busy.inFlight = 2
            busy.modelsVersion = ModelsVersion.of(["m"])
            _ = await registry.heartbeat(nodeID: id, busy)
            let next = await registry.tryAcquire(model: "m")
            if shared {
                #expect(next == .full, "the other replica's request takes the second slot")
            } else {
                #expect(lease(next) != nil, "a router alone counts its own requests only")
            }
            await registry.release(own)
        }
    }

    @Test func changesReadBackFromTheDatabaseAreAppliedNotWrittenAgain() async throws {
        let database = try RouterDatabase.inMemory()
        let store = NodeStore(database: database)
        let registry = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(60)), store: store)
        await registry.adopt(Self.node, id: Self.node.id)
        #expect(await registry.node(Self.node.id)?.online == true, "a node new here has just registered elsewhere")
        #expect(await registry.onlineModels() == ["m", "n"])
        var excluded = Self.node
        excluded.excluded = ["n"]
        await registry.adopt(excluded, id: excluded.id)
        #expect(await registry.onlineModels() == ["m"])
        #expect(try await store.all().isEmpty, "nothing is written back")

        // The same URL under another ID (the database kept the other replica's) replaces it.
        var renamed = excluded
        renamed.id = "n2"
        await registry.adopt(renamed, id: "n2")
        #expect(await registry.snapshot().map(\.node.id) == ["n2"])
        await registry.adopt(nil, id: "n2")
        #expect(await registry.snapshot().isEmpty)

        var other = Self.node
        (other.id, other.url) = ("n3", "http://b")
        await registry.reconcile(with: [other], readAt: await registry.localChanges)
        let nodes = await registry.snapshot()
        #expect(nodes.map(\.node.id) == ["n3"] && nodes.allSatisfy { !$0.online }, "a resync does not make a node alive")
        #expect(try await store.all().isEmpty)
    }

    @Test func aReadBegunBeforeALocalChangeDoesNotUndoIt() async throws {
        let registry = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(60)), store: NodeStore(database: try RouterDatabase.inMemory()))
        let id = await registry.register(
            NodeRegistration(url: "http://a", instanceID: "i1", name: "a", backend: "cpu", devices: [], capacity: 2),
            models: ["m", "n"]
        )
        let stale = try #require(await registry.node(id)?.node)
        let mark = await registry.localChanges
        await registry.exclude(nodeID: id, model: "n", reason: "failed")  // after the read began
        await registry.reconcile(with: [stale], readAt: mark)
        await registry.adopt(stale, id: id, readAt: mark)
        #expect(await registry.node(id)?.node.excluded == ["n"])
        await registry.adopt(stale, id: id, readAt: await registry.localChanges)
        #expect(await registry.node(id)?.node.excluded == [], "a read begun after it applies")
    }

    @Test func aRequestWaitingForAFirstWordThatNeverComesGets503WhenTheWindowEnds() async throws {
        let clock = ManualClock()
        let registry = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(6)), restoring: [Self.node], clock: RegistryClock(clock))
        let waiting = Task { try await registry.lease(model: "m") }
        try await Self.eventually { await registry.queueDepths()["m"] == 1 && clock.sleeperCount == 1 }  // its timer is set
        clock.advance(by: .seconds(6))
        await #expect(throws: RoutingError.noCapableNodes(model: "m")) { try await waiting.value }
    }

    @Test func aRouterJustStartedQueuesForItsRestoredNodesFirstWord() async throws {
        let clock = ManualClock()
        let registry = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(6)), restoring: [Self.node], clock: RegistryClock(clock))
        let waiting = Task { try await registry.lease(model: "m") }
        try await Self.eventually { await registry.queueDepths()["m"] == 1 }
        _ = await registry.heartbeat(nodeID: Self.node.id, Self.beat)
        let lease = try await waiting.value
        #expect(lease.nodeID == Self.node.id)
        await registry.release(lease)

        // Past one offline window, a node still silent is no reason to wait.
        let later = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(6)), restoring: [Self.node], clock: RegistryClock(clock))
        clock.advance(by: .seconds(7))
        #expect(await later.tryAcquire(model: "m") == .noCandidates)
    }

    static func eventually(_ condition: () async -> Bool) async throws {
        for _ in 0..<200 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await condition())
    }
}
