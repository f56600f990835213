import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct NodeRegistryTests {
    static func registration(_ url: String, capacity: Int = 2, instance: String = "i1") -> NodeRegistration {
        NodeRegistration(url: url, instanceID: instance, name: url, backend: "cpu", devices: [], capacity: capacity)
    }

    /// A registry on `clock`, which only the test moves.
    static func registry(
        offlineAfter: Duration = .seconds(60),
        queueDepth: Int = 8,
        queueTimeout: Duration = .seconds(5),
        routing: RoutingPolicy = .warmFirst,
        clock: ManualClock = ManualClock()
    ) throws -> NodeRegistry {
        NodeRegistry(
            settings: RegistrySettings(offlineAfter: offlineAfter, queueDepth: queueDepth, queueTimeout: queueTimeout, routing: routing),
            clock: RegistryClock(clock)
        )
    }

    func lease(_ acquisition: NodeRegistry.Acquisition) -> NodeLease? {
        if case .leased(let lease) = acquisition { return lease }
        return nil
    }

    @Test func onlyNodesListingTheModelAreCandidates() async throws {
        let registry = try Self.registry()
        let a = await registry.register(Self.registration("http://a"), models: ["m1"])
        _ = await registry.register(Self.registration("http://b"), models: ["m2"])
        for _ in 0..<5 {
            let lease = lease(await registry.tryAcquire(model: "m1"))
            #expect(lease?.nodeID == a)
            if let lease { await registry.release(lease) }
        }
        #expect(await registry.tryAcquire(model: "m3") == .noCandidates)
        #expect(await registry.isKnown("m2"))
        #expect(await !registry.isKnown("m3"))
    }

    @Test func leastLoadedFirstThenRoundRobin() async throws {
        let registry = try Self.registry()
        let a = await registry.register(Self.registration("http://a", capacity: 4), models: ["m"])
        let b = await registry.register(Self.registration("http://b", capacity: 2), models: ["m"])
        // Both warm, so that warm-first (WarmFirstTests) does not decide.
        let warm = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: "", engines: [EngineReport(model: "m", state: .ready)])
        for node in [a, b] { _ = await registry.heartbeat(nodeID: node, warm) }
        let first = try #require(lease(await registry.tryAcquire(model: "m")))
        let second = try #require(lease(await registry.tryAcquire(model: "m")))
        #expect(Set([first.nodeID, second.nodeID]) == [a, b])
        // a is at 1/4, b at 1/2: a is chosen.
        let third = try #require(lease(await registry.tryAcquire(model: "m")))
        #expect(third.nodeID == a)
        for lease in [first, second, third] { await registry.release(lease) }
        var picks: [String] = []
        for _ in 0..<4 {
            let lease = try #require(lease(await registry.tryAcquire(model: "m")))
            picks.append(lease.nodeID)
            await registry.release(lease)
        }
        #expect(Set(picks) == [a, b], "idle nodes with equal load take turns")
    }

    @Test func aFullNodeTakesNoMoreRequests() async throws {
        let registry = try Self.registry()
        _ = await registry.register(Self.registration("http://a", capacity: 1), models: ["m"])
        let first = try #require(lease(await registry.tryAcquire(model: "m")))
        #expect(await registry.tryAcquire(model: "m") == .full)
        await registry.release(first)
        #expect(lease(await registry.tryAcquire(model: "m")) != nil)
    }

    @Test func queuedRequestsGetFreedSlotsInArrivalOrder() async throws {
        let registry = try Self.registry()
        _ = await registry.register(Self.registration("http://a", capacity: 1), models: ["m"])
        var holder = try #require(lease(await registry.tryAcquire(model: "m")))
        let order = OrderRecorder()
        var waiters: [Task<NodeLease, any Error>] = []
        for index in 0..<3 {
            waiters.append(
                Task {
                    let lease = try await registry.lease(model: "m")
                    await order.append(index)
                    return lease
                }
            )
            await poll("request \(index) waits") { await registry.queueDepth("m") == index + 1 }
        }
        // Each freed slot goes to the longest-waiting request, one at a time.
        for round in 0..<3 {
            await registry.release(holder)
            await poll("a waiting request gets the slot") { await order.values.count == round + 1 }
            let served = try #require(await order.values.last)
            holder = try await waiters[served].value
        }
        #expect(await order.values == [0, 1, 2])
    }

    @Test func fullQueueAnswers429AndALongWait504() async throws {
        let clock = ManualClock()
        let registry = try Self.registry(queueDepth: 1, queueTimeout: .seconds(30), clock: clock)
        _ = await registry.register(Self.registration("http://a", capacity: 1), models: ["m"])
        _ = try #require(lease(await registry.tryAcquire(model: "m")))
        let waiting = Task { try await registry.lease(model: "m") }
        await poll("the request waits with its timer set") { await registry.queueDepth("m") == 1 && clock.sleeperCount == 1 }
        await #expect(throws: RoutingError.queueFull(model: "m", retryAfter: 1)) { try await registry.lease(model: "m") }
        clock.advance(by: .seconds(29))
        #expect(await registry.queueDepth("m") == 1, "still within its 30 s")
        clock.advance(by: .seconds(1))
        await #expect(throws: RoutingError.queueTimeout(model: "m")) { try await waiting.value }
        #expect(await registry.queueDepth("m") == 0)
    }

    @Test func cancelledWaitersLeaveTheQueue() async throws {
        let registry = try Self.registry()
        _ = await registry.register(Self.registration("http://a", capacity: 1), models: ["m"])
        _ = try #require(lease(await registry.tryAcquire(model: "m")))
        let waiting = Task { try await registry.lease(model: "m") }
        await poll("the request waits") { await registry.queueDepth("m") == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await registry.queueDepth("m") == 0)
    }

    @Test func unknownAndUnservedModelsAreToldApart() async throws {
        let clock = ManualClock()
        let registry = try Self.registry(offlineAfter: .seconds(6), clock: clock)
        _ = await registry.register(Self.registration("http://a"), models: ["m"])
        await #expect(throws: RoutingError.modelNotFound(model: "ghost")) { try await registry.lease(model: "ghost") }
        clock.advance(by: .seconds(7))
        #expect(await registry.onlineModels().isEmpty)
        await #expect(throws: RoutingError.noCapableNodes(model: "m")) { try await registry.lease(model: "m") }
    }

    @Test func exclusionsHideTheModelUntilTheNodeRestarts() async throws {
        let registry = try Self.registry()
        let a = await registry.register(Self.registration("http://a", instance: "i1"), models: ["m", "n"])
        await registry.exclude(nodeID: a, model: "m", reason: "test")
        #expect(await registry.tryAcquire(model: "m") == .noCandidates)
        #expect(await registry.onlineModels() == ["n"])
        let same = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "n"]))
        _ = await registry.heartbeat(nodeID: a, same)
        #expect(await registry.onlineModels() == ["n"], "a heartbeat from the same instance keeps the exclusion")
        let restarted = NodeHeartbeat(instanceID: "i2", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "n"]))
        #expect(await registry.heartbeat(nodeID: a, restarted) == .refreshModels(url: "http://a"))
        #expect(await registry.onlineModels() == ["m", "n"])
    }

    @Test func adminsAndReRegistrationLiftExclusions() async throws {
        let registry = try Self.registry()
        let a = await registry.register(Self.registration("http://a"), models: ["m"])
        await registry.exclude(nodeID: a, model: "m", reason: "test")
        #expect(await registry.clearExclusions(nodeID: a, model: "m"))
        #expect(await registry.onlineModels() == ["m"])
        await registry.exclude(nodeID: a, model: "m", reason: "test")
        #expect(await registry.register(Self.registration("http://a"), models: ["m"]) == a)
        #expect(await registry.onlineModels() == ["m"])
        #expect(await !registry.clearExclusions(nodeID: "nope"))
    }

    @Test func heartbeatsAskForARefreshWhenTheNodeChanged() async throws {
        let registry = try Self.registry()
        let id = await registry.register(Self.registration("http://a", instance: "i1"), models: ["m"])
        let same = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m"]))
        #expect(await registry.heartbeat(nodeID: id, same) == .current)
        let newModels = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "x"]))
        #expect(await registry.heartbeat(nodeID: id, newModels) == .refreshModels(url: "http://a"))
        #expect(await registry.heartbeat(nodeID: "nope", same) == .unknownNode)
    }

    @Test func silentNodesGoOffline() async throws {
        let clock = ManualClock()
        let registry = try Self.registry(offlineAfter: .seconds(6), clock: clock)
        _ = await registry.register(Self.registration("http://a"), models: ["m"])
        clock.advance(by: .seconds(5))
        #expect(await registry.onlineModels() == ["m"], "heard from 5 s ago")
        clock.advance(by: .seconds(2))
        #expect(await registry.onlineModels().isEmpty)
        #expect(await registry.tryAcquire(model: "m") == .noCandidates)
        #expect(await registry.isKnown("m"), "an offline node's model stays known: 503, not 404")
    }

    @Test func aRemovedNodesPlaceGoesToTheNextNodeWithoutItsLoad() async throws {
        let registry = try Self.registry()
        let a = await registry.register(Self.registration("http://a", capacity: 1), models: ["m", "n"])
        let stale = try #require(lease(await registry.tryAcquire(model: "m")))
        #expect(await registry.remove(nodeID: a))
        #expect(await registry.tryAcquire(model: "m") == .noCandidates)
        let b = await registry.register(Self.registration("http://b", capacity: 1), models: ["n"])
        #expect(await registry.slots[b] == 0, "the freed place is reused")
        await registry.release(stale)  // the removed node's lease: must not touch b
        let fresh = try #require(lease(await registry.tryAcquire(model: "n")))
        #expect(fresh == NodeLease(nodeID: b, url: "http://b", warm: false), "b starts cold: a's warmth went with a")
        #expect(await registry.tryAcquire(model: "n") == .full, "b's one slot is taken")
        #expect(await registry.tryAcquire(model: "m") == .noCandidates, "b does not serve m")
    }

    @Test func candidateListsFollowModelChangesInNodeOrder() async throws {
        let registry = try Self.registry()
        var ids: [String] = []
        for name in ["a", "b", "c", "d"] {
            ids.append(await registry.register(Self.registration("http://\(name)"), models: ["m"]))
        }
        let c = ids[2]
        await registry.updateModels(nodeID: c, models: ["other"])
        await registry.updateModels(nodeID: c, models: ["m", "other"])
        await registry.exclude(nodeID: ids[0], model: "m", reason: "test")
        let (entries, list) = await (registry.entries, registry.candidates["m"] ?? [])
        #expect(list.map { entries[$0].id } == ids.dropFirst().sorted())
        #expect(await registry.candidates["other"]?.count == 1)
    }
}

/// Collects values from concurrent tasks.
actor OrderRecorder {
    var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
}
