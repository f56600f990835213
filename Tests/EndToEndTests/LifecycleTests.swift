import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Shutdown and the agent's own endpoints, with the real binaries.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct LifecycleTests {
    @Test func agentStopsItsEnginesAndExitsCleanlyOnSIGTERM() async throws {
        try await withFleet { fleet in
            let (status, _) = try await fleet.call(.POST, "/v1/chat/completions", json: WalkingSkeletonTests.chatBody)
            try #require(status == 200)
            let agent = try #require(fleet.agents.first)
            let engines = ProcessTable.descendants(of: agent.pid)
            try #require(!engines.isEmpty)
            #expect(await agent.terminate(within: .seconds(15)), "the agent did not exit after SIGTERM")
            #expect(agent.termination.reason == .exit && agent.termination.status == 0)
            #expect(ProcessTable.alive(engines).isEmpty, "engines outlived a graceful shutdown")
        }
    }

    @Test func routerExitsCleanlyOnSIGTERM() async throws {
        try await withFleet(agents: 0) { fleet in
            #expect(await fleet.router.terminate(within: .seconds(10)))
            #expect(fleet.router.termination.reason == .exit && fleet.router.termination.status == 0)
        }
    }

    @Test func agentServesItsDetectionReportOnlyWithTheNodeToken() async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            let port = try await agent.listeningPort()
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v0/system")
            let anonymous = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(anonymous.status == .unauthorized)
            request.headers.add(name: "authorization", value: "Bearer \(fleet.nodeToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            let body = try await response.body.collect(upTo: 1 << 20)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            #expect(report["backend"] as? String == "cpu")
            #expect((report["probes"] as? [Any])?.count ?? 0 >= 3)

            var health = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v0/health")
            health.method = .GET
            let healthResponse = try await HTTPClient.shared.execute(health, timeout: .seconds(10))
            #expect(healthResponse.status == .ok, "health needs no token")
        }
    }
}
