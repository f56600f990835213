import Shared
import Testing

@testable import SwitchyardRouter

/// Nodes survive a router restart (a new registry over the same database) and stay unroutable
/// until heard from.
@Suite struct NodePersistenceTests {
    @Test func restoredNodesAreKnownButNotRoutableUntilHeardFrom() async throws {
        let database = try RouterDatabase.inMemory()
        let settings = RegistrySettings(offlineAfter: .seconds(60))
        let before = try await NodeRegistry.restore(settings: settings, store: NodeStore(database: database))
        let registration = NodeRegistration(url: "http://a", instanceID: "i1", name: "a", backend: "cuda", devices: ["GPU"], capacity: 2)
        let id = await before.register(registration, models: ["m", "n"])
        await before.exclude(nodeID: id, model: "n", reason: "test")

        let after = try await NodeRegistry.restore(settings: settings, store: NodeStore(database: database))
        let restored = try #require(await after.node(id))
        #expect(!restored.online)
        #expect(restored.node.models == ["m", "n"])
        #expect(restored.node.excluded == ["n"])
        #expect(await after.onlineModels().isEmpty)
        #expect(await after.isKnown("m"))

        let beat = NodeHeartbeat(instanceID: "i1", inFlight: 0, modelsVersion: ModelsVersion.of(["m", "n"]))
        #expect(await after.heartbeat(nodeID: id, beat) == .refreshModels(url: "http://a"), "first word after a restart re-pulls")
        #expect(await after.onlineModels() == ["m"])
    }

    @Test func removedNodesStayRemoved() async throws {
        let database = try RouterDatabase.inMemory()
        let registry = try await NodeRegistry.restore(settings: RegistrySettings(), store: NodeStore(database: database))
        let registration = NodeRegistration(url: "http://a", instanceID: "i1", name: "a", backend: "cpu", devices: [], capacity: 1)
        let id = await registry.register(registration, models: ["m"])
        #expect(await registry.remove(nodeID: id))
        #expect(try await NodeStore(database: database).all().isEmpty)
    }
}
