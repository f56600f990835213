import Shared
import Testing

@testable import SwitchyardRouter

/// Sessions: a conversation's requests stay on one node while it can take them, and move, with
/// the conversation, when it is excluded, gone or full.
@Suite struct SessionAffinityTests {
    /// Two online nodes serving `m`, both warm, so that only the session decides.
    static func fleet(capacity: Int = 2) async throws -> (NodeRegistry, [String]) {
        let registry = try NodeRegistryTests.registry()
        var ids: [String] = []
        for url in ["http://a", "http://b"] {
            let id = await registry.register(NodeRegistryTests.registration(url, capacity: capacity), models: ["m"])
            _ = await registry.heartbeat(nodeID: id, WarmFirstTests.beat([EngineReport(model: "m", state: .ready)]))
            ids.append(id)
        }
        return (registry, ids)
    }

    func lease(_ registry: NodeRegistry, session: String?) async throws -> NodeLease {
        guard case .leased(let lease) = await registry.tryAcquire(model: "m", session: session) else {
            throw WarmFirstTests.Unexpected(acquisition: await registry.tryAcquire(model: "m"))
        }
        return lease
    }

    @Test func aConversationStaysOnItsNodeWhileIdleNodesTakeTurns() async throws {
        let (registry, _) = try await Self.fleet()
        var withSession: [String] = []
        var without: Set<String> = []
        for _ in 0..<6 {
            let turn = try await lease(registry, session: "chat-1")
            withSession.append(turn.nodeID)
            await registry.release(turn)
            let other = try await lease(registry, session: nil)
            without.insert(other.nodeID)
            #expect(other.session == nil)
            await registry.release(other)
        }
        #expect(Set(withSession).count == 1, "the conversation moved: \(withSession)")
        #expect(without.count == 2, "requests without a session take turns")
    }

    @Test func aConversationMovesWhenItsNodeIsExcludedAndStaysWhereItMoved() async throws {
        let (registry, _) = try await Self.fleet()
        let first = try await lease(registry, session: "chat-1")
        #expect(first.session == .new)
        await registry.release(first, excludingModel: ("m", "the node answered 500"))
        let moved = try await lease(registry, session: "chat-1")
        #expect(moved.nodeID != first.nodeID && moved.session == .moved)
        await registry.release(moved)
        _ = await registry.clearExclusions(nodeID: first.nodeID)
        let kept = try await lease(registry, session: "chat-1")
        #expect(kept.nodeID == moved.nodeID && kept.session == .kept, "the conversation stays where it moved")
    }

    @Test func aConversationMovesWhenItsNodeIsFull() async throws {
        let (registry, _) = try await Self.fleet(capacity: 1)
        let first = try await lease(registry, session: "chat-1")
        let second = try await lease(registry, session: "chat-1")  // the first still holds its node's one slot
        #expect(second.nodeID != first.nodeID && second.session == .moved)
        #expect(await registry.tryAcquire(model: "m", session: "chat-1") == .full)
        await registry.release(first)
        await registry.release(second)
        #expect(try await lease(registry, session: "chat-1").nodeID == second.nodeID)
    }

    @Test func theTableIsBoundedAndKeepsWhatIsInUse() {
        var table = SessionAffinity(generation: 2)
        table.record("a", node: "n1")
        table.record("b", node: "n2")  // the generation is full: a and b become the older one
        #expect(table.node(for: "a") == "n1", "found in the older generation, and moved to the newer")
        table.record("c", node: "n3")  // full again: a and c are now the older generation, b is gone
        #expect(table.node(for: "b") == nil)
        #expect(table.node(for: "a") == "n1")
        #expect(table.node(for: "c") == "n3")
    }
}
