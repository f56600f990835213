import Shared
import Testing

@testable import SwitchyardRouter

/// Warm first: a model's requests go to nodes where its engine is warm (reported by the
/// heartbeat, or assumed where a request was just sent) before any idle cold node; a cold
/// engine is started only when every warm node is at capacity.
@Suite struct WarmFirstTests {
    static func beat(_ engines: [EngineReport]?) -> NodeHeartbeat {
        NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: "", engines: engines)
    }

    func lease(_ acquisition: NodeRegistry.Acquisition) throws -> NodeLease {
        guard case .leased(let lease) = acquisition else { throw Unexpected(acquisition: acquisition) }
        return lease
    }

    struct Unexpected: Error { var acquisition: NodeRegistry.Acquisition }

    @Test func aWarmNodeWinsOverAnIdleColdOne() async throws {
        let registry = try NodeRegistryTests.registry()
        let cold = await registry.register(NodeRegistryTests.registration("http://a", capacity: 2), models: ["m"])
        let warm = await registry.register(NodeRegistryTests.registration("http://b", capacity: 2), models: ["m"])
        _ = await registry.heartbeat(nodeID: warm, Self.beat([EngineReport(model: "m", state: .ready, freeSlots: 2)]))
        for _ in 0..<6 {
            let lease = try lease(await registry.tryAcquire(model: "m"))
            #expect(lease.nodeID == warm && lease.warm)
            await registry.release(lease)
        }
        #expect(await registry.node(cold)?.warmModels == [])
        #expect(await registry.node(warm)?.warmModels == ["m"])
        #expect(await registry.node(warm)?.engines?.first?.freeSlots == 2)
    }

    @Test func aColdEngineStartsOnlyWhenEveryWarmNodeIsFull() async throws {
        let registry = try NodeRegistryTests.registry()
        let cold = await registry.register(NodeRegistryTests.registration("http://a", capacity: 2), models: ["m"])
        let warm = await registry.register(NodeRegistryTests.registration("http://b", capacity: 2), models: ["m"])
        _ = await registry.heartbeat(nodeID: warm, Self.beat([EngineReport(model: "m", state: .starting)]))
        let held = [try lease(await registry.tryAcquire(model: "m")), try lease(await registry.tryAcquire(model: "m"))]
        #expect(held.map(\.nodeID) == [warm, warm], "a starting engine counts as warm")
        let overflow = try lease(await registry.tryAcquire(model: "m"))
        #expect(overflow.nodeID == cold && !overflow.warm, "the warm node is full: a cold start")
        // The engine now starts there: both are warm, and the least loaded wins.
        #expect(await registry.node(cold)?.warmModels == ["m"])
        for lease in held { await registry.release(lease) }
        let next = try lease(await registry.tryAcquire(model: "m"))
        #expect(next.nodeID == warm && next.warm)
        for lease in [overflow, next] { await registry.release(lease) }
    }

    @Test func aHeartbeatWithoutTheEngineMakesTheNodeColdAgain() async throws {
        let registry = try NodeRegistryTests.registry()
        let a = await registry.register(NodeRegistryTests.registration("http://a", capacity: 2), models: ["m", "n"])
        let b = await registry.register(NodeRegistryTests.registration("http://b", capacity: 2), models: ["m", "n"])
        _ = await registry.heartbeat(nodeID: a, Self.beat([EngineReport(model: "m", state: .ready)]))
        _ = await registry.heartbeat(nodeID: b, Self.beat([EngineReport(model: "n", state: .ready)]))
        #expect(try lease(await registry.tryAcquire(model: "m")).nodeID == a)
        #expect(try lease(await registry.tryAcquire(model: "n")).nodeID == b)
        // a unloaded m (idle) and now runs n; a heartbeat with no report leaves warmth as it was.
        _ = await registry.heartbeat(nodeID: a, Self.beat([EngineReport(model: "n", state: .ready)]))
        _ = await registry.heartbeat(nodeID: b, Self.beat(nil))
        #expect(await registry.node(a)?.warmModels == ["n"])
        #expect(await registry.node(b)?.warmModels == ["n"])
        // A removed node's index is reused by the next one, which starts cold.
        await registry.remove(nodeID: a)
        let c = await registry.register(NodeRegistryTests.registration("http://c", capacity: 2), models: ["m", "n"])
        #expect(await registry.node(c)?.warmModels == [])
    }

    @Test func leastLoadedIgnoresWarmthButStillSaysWhatWasCold() async throws {
        let registry = try NodeRegistryTests.registry(routing: .leastLoaded)
        let cold = await registry.register(NodeRegistryTests.registration("http://a", capacity: 2), models: ["m"])
        let warm = await registry.register(NodeRegistryTests.registration("http://b", capacity: 2), models: ["m"])
        _ = await registry.heartbeat(nodeID: warm, Self.beat([EngineReport(model: "m", state: .ready)]))
        var picks: [String: [Bool]] = [:]
        for _ in 0..<4 {
            let lease = try lease(await registry.tryAcquire(model: "m"))
            picks[lease.nodeID, default: []].append(lease.warm)
            await registry.release(lease)
        }
        #expect(picks[warm] == [true, true], "idle nodes take turns, warm or not")
        #expect(picks[cold] == [false, true], "the first request there started its engine")
    }
}
