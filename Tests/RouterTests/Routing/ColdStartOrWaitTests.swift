import Shared
import Testing

@testable import SwitchyardRouter

/// A request whose warm nodes are all busy either waits for one or starts the model's engine
/// on a free cold node, whichever is expected to finish it sooner (the measured start time
/// against the warm nodes' drain time); a cold start goes to the node with the most free memory.
@Suite struct ColdStartOrWaitTests {
    /// A warm node and a cold one serving `m`, one slot each. Both ran `m` before (1 s per
    /// request, starts of `startSeconds`); the cold one has since unloaded it.
    static func fleet(
        startSeconds: Double,
        queueDepth: Int = 8,
        queueTimeout: Duration = .seconds(120),
        clock: ManualClock = ManualClock()
    ) async throws -> (NodeRegistry, warm: String, cold: String) {
        let registry = try NodeRegistryTests.registry(queueDepth: queueDepth, queueTimeout: queueTimeout, clock: clock)
        let warm = await registry.register(NodeRegistryTests.registration("http://a", capacity: 1), models: ["m"])
        let cold = await registry.register(NodeRegistryTests.registration("http://b", capacity: 1), models: ["m"])
        let ran = EngineReport(model: "m", state: .ready, startSeconds: startSeconds, requestSeconds: 1)
        _ = await registry.heartbeat(nodeID: warm, WarmFirstTests.beat([ran]))
        _ = await registry.heartbeat(nodeID: cold, WarmFirstTests.beat([ran]))
        _ = await registry.heartbeat(nodeID: cold, WarmFirstTests.beat([]))
        return (registry, warm, cold)
    }

    static func lease(_ acquisition: NodeRegistry.Acquisition) throws -> NodeLease {
        guard case .leased(let lease) = acquisition else { throw WarmFirstTests.Unexpected(acquisition: acquisition) }
        return lease
    }

    @Test func aRequestWaitsForABusyWarmNodeThatFreesSoonerThanAnEngineStarts() async throws {
        let (registry, warm, _) = try await Self.fleet(startSeconds: 20)
        let held = try Self.lease(await registry.tryAcquire(model: "m"))
        #expect(held.nodeID == warm)
        // The warm node finishes it in 2 s (its request, then this one); the cold one in 21 s.
        #expect(await registry.tryAcquire(model: "m") == .waitForBusy(patience: .seconds(20)))
        let waiter = Task { try await registry.lease(model: "m") }
        await poll("the request waits") { await registry.queueDepth("m") == 1 }
        await registry.release(held)
        let lease = try await waiter.value
        #expect(lease.nodeID == warm && lease.warm)
    }

    @Test func aRequestThatWaitedAsLongAsAStartWouldTakeStartsTheColdEngine() async throws {
        let clock = ManualClock()
        let (registry, _, cold) = try await Self.fleet(startSeconds: 20, clock: clock)
        _ = try Self.lease(await registry.tryAcquire(model: "m"))  // held for good
        let waiter = Task { try await registry.lease(model: "m") }
        await poll("the request waits with its timer set") { await registry.queueDepth("m") == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .seconds(19))
        #expect(await registry.queueDepth("m") == 1, "still within its patience")
        clock.advance(by: .seconds(1))
        let lease = try await waiter.value
        #expect(lease.nodeID == cold && !lease.warm, "a cold start after all")
        #expect(await registry.queueDepth("m") == 0)
    }

    @Test func aPatienceLongerThanTheQueueTimeoutEndsInTheFreeSlotNotA504() async throws {
        let clock = ManualClock()
        let (registry, _, cold) = try await Self.fleet(startSeconds: 60, queueTimeout: .seconds(20), clock: clock)
        _ = try Self.lease(await registry.tryAcquire(model: "m"))
        let waiter = Task { try await registry.lease(model: "m") }
        await poll("the request waits with its timer set") { await registry.queueDepth("m") == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .seconds(15))  // three quarters of the timeout
        #expect(try await waiter.value.nodeID == cold)
    }

    @Test func aFastStartBeatsWaitingBehindALongQueue() async throws {
        let (registry, _, cold) = try await Self.fleet(startSeconds: 0.5)
        _ = try Self.lease(await registry.tryAcquire(model: "m"))
        // Waiting would take 2 s, starting the engine 1.5 s.
        let lease = try Self.lease(await registry.tryAcquire(model: "m"))
        #expect(lease.nodeID == cold && !lease.warm)
    }

    @Test func withNoRoomInTheQueueARequestTakesTheFreeSlotInsteadOfWaiting() async throws {
        let (registry, _, cold) = try await Self.fleet(startSeconds: 60, queueDepth: 0)
        _ = try Self.lease(await registry.tryAcquire(model: "m"))
        #expect(await registry.tryAcquire(model: "m") == .waitForBusy(patience: .seconds(60)))
        #expect(try await registry.lease(model: "m").nodeID == cold, "better a cold start than queue_full")
    }

    @Test func aColdStartGoesWhereTheMostMemoryIsFree() async throws {
        let registry = try NodeRegistryTests.registry()
        var nodes: [String] = []
        for (index, gigabytes) in [2, 16, 8].enumerated() {
            let id = await registry.register(NodeRegistryTests.registration("http://\(index)", capacity: 4), models: ["m"])
            let beat = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: "", engines: [], freeMemoryBytes: Int64(gigabytes) << 30)
            _ = await registry.heartbeat(nodeID: id, beat)
            nodes.append(id)
        }
        let first = try Self.lease(await registry.tryAcquire(model: "m"))
        #expect(first.nodeID == nodes[1] && !first.warm)
        let second = try Self.lease(await registry.tryAcquire(model: "m"))
        #expect(second.nodeID == nodes[1] && second.warm, "warm now")
    }
}
