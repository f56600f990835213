import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct NodeRegistryTests {
    func registration(_ url: String, capacity: Int = 2, instance: String = "i1") -> NodeRegistration {
        NodeRegistration(url: url, instanceID: instance, name: url, backend: "cpu", devices: [], capacity: capacity)
    }

    @Test func onlyNodesListingTheModelAreCandidates() async {
        let registry = NodeRegistry(offlineAfter: .seconds(60))
        let a = await registry.register(registration("http://a"), models: ["m1"])
        _ = await registry.register(registration("http://b"), models: ["m2"])
        for _ in 0..<5 {
            let lease = await registry.acquire(model: "m1")
            #expect(lease?.nodeID == a)
            if let lease { await registry.release(lease) }
        }
        #expect(await registry.acquire(model: "m3") == nil)
        #expect(await registry.isKnown("m2"))
        #expect(await !registry.isKnown("m3"))
    }

    @Test func leastLoadedFirstThenRoundRobin() async throws {
        let registry = NodeRegistry(offlineAfter: .seconds(60))
        let a = await registry.register(registration("http://a", capacity: 4), models: ["m"])
        let b = await registry.register(registration("http://b", capacity: 1), models: ["m"])
        let first = try #require(await registry.acquire(model: "m"))
        let second = try #require(await registry.acquire(model: "m"))
        #expect(Set([first.nodeID, second.nodeID]) == [a, b])
        // b is now full (1/1), a is at 1/4: a is chosen until it reaches b's load.
        let third = try #require(await registry.acquire(model: "m"))
        #expect(third.nodeID == a)
        await registry.release(second)
        await registry.release(first)
        await registry.release(third)
        var picks: [String] = []
        for _ in 0..<4 {
            let lease = try #require(await registry.acquire(model: "m"))
            picks.append(lease.nodeID)
            await registry.release(lease)
        }
        #expect(Set(picks) == [a, b], "idle nodes with equal load take turns")
    }

    @Test func excludedNodesAreSkipped() async throws {
        let registry = NodeRegistry(offlineAfter: .seconds(60))
        let a = await registry.register(registration("http://a"), models: ["m"])
        let b = await registry.register(registration("http://b"), models: ["m"])
        let lease = try #require(await registry.acquire(model: "m", excluding: [a]))
        #expect(lease.nodeID == b)
        #expect(await registry.acquire(model: "m", excluding: [a, b]) == nil)
    }

    @Test func reRegistrationKeepsTheNodeID() async {
        let registry = NodeRegistry(offlineAfter: .seconds(60))
        let first = await registry.register(registration("http://a", instance: "i1"), models: ["m"])
        let second = await registry.register(registration("http://a", instance: "i2"), models: ["m", "n"])
        #expect(first == second)
        #expect(await registry.allNodes().count == 1)
        #expect(await registry.onlineModels() == ["m", "n"])
    }

    @Test func heartbeatsAskForARefreshWhenTheNodeChanged() async {
        let registry = NodeRegistry(offlineAfter: .seconds(60))
        let id = await registry.register(registration("http://a", instance: "i1"), models: ["m"])
        let same = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m"]))
        #expect(await registry.heartbeat(nodeID: id, same) == .current)
        let newModels = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "x"]))
        #expect(await registry.heartbeat(nodeID: id, newModels) == .refreshModels(url: "http://a"))
        let restarted = NodeHeartbeat(instanceID: "i2", inFlight: 0, modelsVersion: ModelsVersion.of(["m"]))
        #expect(await registry.heartbeat(nodeID: id, restarted) == .refreshModels(url: "http://a"))
        #expect(await registry.heartbeat(nodeID: "nope", same) == .unknownNode)
    }

    @Test func silentNodesGoOffline() async throws {
        let registry = NodeRegistry(offlineAfter: .milliseconds(100))
        _ = await registry.register(registration("http://a"), models: ["m"])
        #expect(await registry.onlineModels() == ["m"])
        try await Task.sleep(for: .milliseconds(150))
        #expect(await registry.onlineModels().isEmpty)
        #expect(await registry.acquire(model: "m") == nil)
        #expect(await registry.isKnown("m"), "an offline node's model stays known: 503, not 404")
    }
}
