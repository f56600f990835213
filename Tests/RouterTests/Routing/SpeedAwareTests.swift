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

    @Test func theFastNodeTakesWorkUntilItIsFullThenTheSlowOne() async throws {
        let (registry, fast, slow) = try await Self.fleet()
        #expect(try await Self.picks(registry, count: 6) == [fast, fast, fast, fast, slow, slow])
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
