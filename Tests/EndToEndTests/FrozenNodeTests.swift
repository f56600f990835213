import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A node that freezes (SIGSTOP: no answer, no closed connection, no heartbeat) costs a client
/// seconds, not the 300 s first-byte limit: once the node is declared offline, the request
/// waiting on it moves to another node, and no new request goes there.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct FrozenNodeTests {
    @Test func aRequestWaitingOnAFrozenNodeMovesOnOnceTheNodeIsDeclaredOffline() async throws {
        try await withFleet(agents: 0, routerArguments: ["--heartbeat-interval", "0.5"]) { fleet in
            let frozen = try await fleet.startAgent(name: "frozen")
            let spare = try await fleet.startAgent(name: "spare")
            try await RoutingTests().warmUp(frozen, in: fleet)  // warm there only: the request goes there
            let long = RoutingTests.chat(tokens: 200)
            let request = Task { try await fleet.call(.POST, "/v1/chat/completions", json: long) }
            let port = try #require(EngineProcesses.port(of: frozen))
            try await fleet.eventually("the request is generating on the first node") { try await RoutingTests.processing(enginePort: port) == 1 }
            kill(frozen.pid, SIGSTOP)
            defer { kill(frozen.pid, SIGCONT) }
            let stopped = ContinuousClock.now
            let (status, body) = try await request.value
            let waited = ContinuousClock.now - stopped
            #expect(status == 200, "\(body)")

            // New requests go to the spare only (one sent to the frozen node would hang).
            for _ in 0..<3 {
                #expect(try await fleet.call(.POST, "/v1/chat/completions", json: RoutingTests.chat(tokens: 2)).status == 200)
            }
            // The bound: offline detection (3 heartbeats of 0.5 s unheard, noticed within the
            // 0.5 s maintenance interval) plus the request's own time on the spare, whose engine
            // it started (a start is under a second here), with a second of slack.
            let began = ContinuousClock.now
            #expect(try await fleet.callAgent(spare, .POST, "/v1/chat/completions", json: long).status == 200)
            let generation = ContinuousClock.now - began
            #expect(waited < .seconds(2) + generation + .seconds(2), "waited \(waited), generation alone \(generation)")

            // Thawed, the node is heard from again and serves.
            kill(frozen.pid, SIGCONT)
            try await fleet.eventually("the thawed node is online again", timeout: .seconds(10)) {
                let nodes = try JSONSerialization.jsonObject(with: Data(try await fleet.call(.GET, "/v0/nodes").body.utf8)) as? [String: Any]
                return (nodes?["nodes"] as? [[String: Any]] ?? []).allSatisfy { $0["online"] as? Bool == true }
            }
        }
    }
}
