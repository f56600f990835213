import Shared
import Testing

@testable import SwitchyardRouter

/// Speed-aware choice among warm nodes: a request goes where it would finish first, by the
/// speeds agents measure, so a slow node gets work only when the fast ones are full.
@Suite struct SpeedAwareTests {
    /// A fast and a slow node serving `m`, both warm, with their measured speeds.
    static func fleet(routing: RoutingPolicy = .warmFirst, slowSpeed: Double? = 5) async throws -> (NodeRegistry, fast: String, slow: String) {
        let registry = try NodeRegistryTests.registry(routing: routing)
        let slow = await registry.register(NodeRegistryTests.registration("http://a", capacity: 4), models: ["m"])
        let fast = await registry.register(NodeRegistryTests.registration("http://b", capacity: 4), models: ["m"])
        _ = await registry.heartbeat(nodeID: fast, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, tokensPerSecond: 100)]))
        _ = await registry.heartbeat(nodeID: slow, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, tokensPerSecond: slowSpeed)]))
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
        // 30 against 100 tokens/s, capacity 4 each: the slower node's first request would end at
        // 1/120, the fast node's fourth at 4/400; the next two would end sooner on the fast one.
        let (registry, fast, slow) = try await Self.fleet(slowSpeed: 30)
        #expect(try await Self.picks(registry, count: 5) == [fast, fast, fast, slow, fast])
        #expect(await registry.tryAcquire(model: "m") == .full, "a second request there would finish later than waiting")
    }

    @Test func aNodeNotMeasuredYetCountsAsHalfTheSlowestAndStillGetsWork() async throws {
        let (registry, fast, unmeasured) = try await Self.fleet(slowSpeed: nil)
        let picks = try await Self.picks(registry, count: 5)
        #expect(picks.first == fast)
        #expect((1...2).contains(picks.filter { $0 == unmeasured }.count), "\(picks)")
    }

    @Test func nodesOfEqualSpeedShareTheWork() async throws {
        let (registry, fast, slow) = try await Self.fleet(slowSpeed: 100)
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
        let (registry, fast, slow) = try await SpeedAwareTests.fleet(slowSpeed: 2)
        let held = try await SpeedAwareTests.picks(registry, count: 4)
        #expect(held == [fast, fast, fast, fast])
        #expect(await registry.tryAcquire(model: "m") == .full, "waiting for the fast node beats 50 times slower")
        let waiter = Task { try await registry.lease(model: "m") }
        await poll("the request waits in the queue") { await registry.queueDepth("m") == 1 }
        // The slow node's heartbeat does not hand it the slow node's free slot.
        _ = await registry.heartbeat(nodeID: slow, WarmFirstTests.beat([EngineReport(model: "m", state: .ready, tokensPerSecond: 2)]))
        #expect(await registry.queueDepth("m") == 1)
        await registry.release(NodeLease(nodeID: fast, url: "http://b", warm: true))
        #expect(try await waiter.value.nodeID == fast)
    }

    @Test func aSlowerNodeStillTakesWorkWhenItWouldFinishSooner() async throws {
        let (registry, fast, slow) = try await SpeedAwareTests.fleet(slowSpeed: 60)
        let picks = try await SpeedAwareTests.picks(registry, count: 5)
        let (onFast, onSlow) = (picks.filter { $0 == fast }.count, picks.filter { $0 == slow }.count)
        #expect(onSlow >= 1 && onFast >= onSlow, "\(picks)")
    }
}
