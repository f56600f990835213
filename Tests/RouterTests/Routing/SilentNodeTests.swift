import Synchronization
import Testing

@testable import Shared
@testable import SwitchyardRouter

/// A node gone silent has its gate closed: the requests waiting for its answer give it up and
/// move on (``AttemptOutcome/nodeLost``: no exclusion, another node tried).
@Suite struct SilentNodeTests {
    @Test func aSilentNodesGateClosesOnceAndOpensWhenItIsHeardAgain() async throws {
        let clock = ManualClock()
        let registry = try NodeRegistryTests.registry(offlineAfter: .seconds(6), clock: clock)
        let silent = await registry.register(NodeRegistryTests.registration("http://a"), models: ["m"])
        let alive = await registry.register(NodeRegistryTests.registration("http://b"), models: ["m"])
        guard case .leased(let lease) = await registry.tryAcquire(model: "m") else { throw WarmFirstTests.Unexpected(acquisition: .full) }
        let gate = try #require(lease.gate)
        let cancelled = CancelCount()
        _ = gate.join { cancelled.add() }
        #expect(await registry.closeGatesOfSilentNodes().isEmpty)
        clock.advance(by: .seconds(5))
        _ = await registry.heartbeat(nodeID: alive, WarmFirstTests.beat(nil))
        clock.advance(by: .seconds(2))
        let closed = await registry.closeGatesOfSilentNodes()
        #expect(closed == [silent])
        #expect(await registry.closeGatesOfSilentNodes().isEmpty, "closed once")
        let leasedSilent = lease.nodeID == silent
        #expect(cancelled.value == (leasedSilent ? 1 : 0) && gate.isClosed == leasedSilent)
        _ = await registry.heartbeat(nodeID: silent, WarmFirstTests.beat(nil))
        #expect(!gate.isClosed, "heard again: open at once, before the next sweep")
    }

    @Test func aClosedGateCancelsWhatJoinsAndForgetsWhatLeft() throws {
        let gate = UpstreamGate()
        let count = CancelCount()
        let ticket = gate.join { count.add() }
        gate.leave(try #require(ticket))
        #expect(gate.close() && count.value == 0, "a request that had its answer is not cancelled")
        #expect(gate.join { count.add() } == nil && count.value == 1, "a closed gate cancels at once")
        gate.open()
        #expect(gate.join { count.add() } != nil)
    }

    @Test func aLostNodeIsNotExcludedButTheRequestMovesOn() {
        #expect(AttemptOutcome.nodeLost.exclusionReason == nil)
        #expect(AttemptOutcome.nodeLost.triesAnotherNode)
        #expect(AttemptOutcome.classify(status: 501) == .answered, "a server that does not do this is not failing")
    }
}

/// Counts calls from any thread.
final class CancelCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
