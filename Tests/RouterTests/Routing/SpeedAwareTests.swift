import Shared
import Testing

@testable import SwitchyardRouter

/// Speed-aware choice among warm nodes: a request goes where it would finish first, by the
/// engine seconds per request agents measure, so a slow node gets work only when the fast ones
/// are full.
@Suite struct SpeedAwareTests {
    /// A fast node (1 s per request) and a slow one serving `m`, both warm, capacity 4 each.
    static func fleet(routing: RoutingPolicy = .warmFirst, slowSeconds: Double? = 20) async throws -> (NodeRegistry, fast: String, slow: String) {
        let registry = try NodeRegistryTests.registry(routing: routing)
        let slow = await registry.register(NodeRegistryTests.registration("http://a", capacity: 4), models: ["m"])
        let fast = await registry.register(NodeRegistryTests.registration("http://b", capacity: 4), models: ["m"])
        _ = await registry.heartbeat(nodeID: fast, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, requestSeconds: 1)]))
        _ = await registry.heartbeat(nodeID: slow, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, requestSeconds: slowSeconds)]))
        return (registry, fast, slow)
    }

    static func picks(_ registry: NodeRegistry, count: Int) async throws -> [String] {
        var nodes: [String] = []
        for _ in 0..<count {
            guard case .leased(let lease) = await registry.tryAcquire(model: "m") else { throw WarmFirstTests.Unexpected(acquisition: .full) }
            nodes.append(lease.nodeID)
        }
        return nodes
    }

    @Test func eachRequestGoesWhereItWouldFinishFirst() async throws {
        // 3.3 s against 1 s per request, 4 slots each: the fast node drains its work plus a
        // fourth request in 4 × 1 / 4 s, the slow one a first request in 3.3 / 4 s; the fifth
        // drains sooner on the fast one again.
        let (registry, fast, slow) = try await Self.fleet(slowSeconds: 10 / 3)
        #expect(try await Self.picks(registry, count: 5) == [fast, fast, fast, slow, fast])
        // The fast node is full; it would still finish a request (after 1.25 s) before the slow
        // one (3.3 s): wait, for the 2.3 s the slow node would cost beyond a fast request at most.
        guard case .waitForBusy(let patience) = await registry.tryAcquire(model: "m") else {
            throw WarmFirstTests.Unexpected(acquisition: await registry.tryAcquire(model: "m"))
        }
        #expect(abs((patience - .milliseconds(2333)) / .seconds(1)) < 0.001)
    }

    @Test func aNodeNotMeasuredYetCountsAsHalfTheSlowestAndStillGetsWork() async throws {
        let (registry, fast, unmeasured) = try await Self.fleet(slowSeconds: nil)
        let picks = try await Self.picks(registry, count: 5)
        #expect(picks.first == fast)
        #expect((1...2).contains(picks.filter { $0 == unmeasured }.count), "\(picks)")
    }

    @Test func nodesOfEqualSpeedShareTheWork() async throws {
        let (registry, fast, slow) = try await Self.fleet(slowSeconds: 1)
        #expect(Set(try await Self.picks(registry, count: 4)) == [fast, slow])
    }

    @Test func leastLoadedIgnoresSpeed() async throws {
        let (registry, fast, slow) = try await Self.fleet(routing: .leastLoaded)
        let picks = try await Self.picks(registry, count: 4)
        #expect(picks.filter { $0 == slow }.count == 2 && picks.filter { $0 == fast }.count == 2)
    }
}

/// Waiting for a fast node's slot instead of taking a far slower node's free one.
@Suite struct SpeedAwareQueueTests {
    @Test func aRequestWaitsForTheFastNodeWhenTheSlowOneWouldFinishItLater() async throws {
        let (registry, fast, slow) = try await SpeedAwareTests.fleet(slowSeconds: 50)
        let held = try await SpeedAwareTests.picks(registry, count: 4)
        #expect(held == [fast, fast, fast, fast])
        #expect(await registry.tryAcquire(model: "m") == .waitForBusy(patience: .seconds(49)), "waiting for the fast node beats 50 times slower")
        let waiter = Task { try await registry.lease(model: "m") }
        await poll("the request waits in the queue") { await registry.queueDepth("m") == 1 }
        // The slow node's heartbeat does not hand it the slow node's free slot.
        _ = await registry.heartbeat(nodeID: slow, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, requestSeconds: 50)]))
        #expect(await registry.queueDepth("m") == 1)
        await registry.release(NodeLease(nodeID: fast, url: "http://b", warm: true))
        #expect(try await waiter.value.nodeID == fast)
    }

    @Test func aSlowerNodeStillTakesWorkWhenItWouldFinishSooner() async throws {
        let (registry, fast, slow) = try await SpeedAwareTests.fleet(slowSeconds: 100 / 60)
        let picks = try await SpeedAwareTests.picks(registry, count: 5)
        let (onFast, onSlow) = (picks.filter { $0 == fast }.count, picks.filter { $0 == slow }.count)
        #expect(onSlow >= 1 && onFast >= onSlow, "\(picks)")
    }
}
