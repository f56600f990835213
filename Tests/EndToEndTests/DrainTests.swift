import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A router stopped with SIGTERM under load drains: `/health` answers 503 at once, new
/// connections are still taken for the drain delay, the stream in flight finishes whole, then
/// the process exits 0; a stream longer than the drain timeout is cut at the timeout.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct DrainTests {
    /// A streamed chat that generates `tokens` tokens whatever the model would say.
    static func longStream(_ tokens: Int) -> String {
        #"{"model": "\#(TestEnvironment.chatModel)", "stream": true, "max_tokens": \#(tokens), "ignore_eos": true, "messages": [{"role": "user", "content": "Count."}]}"#
    }

    /// Starts a stream and returns the task collecting it, once its first bytes arrived.
    static func startStream(_ fleet: Fleet, tokens: Int) async throws -> Task<String, any Error> {
        let response = try await fleet.send(.POST, "/v1/chat/completions", json: longStream(tokens))
        #expect(response.status == .ok)
        var iterator = response.body.makeAsyncIterator()
        let first = try await iterator.next().map { String(buffer: $0) } ?? ""
        return Task {
            var text = first
            do {
                while let chunk = try await iterator.next() { text += String(buffer: chunk) }
            } catch {
                text += "<cut: \(error)>"
            }
            return text
        }
    }

    static func health(_ fleet: Fleet) async -> Int? {
        try? await fleet.call(.GET, "/health").status
    }

    @Test func sigtermTurnsHealthUnreadyThenLetsTheStreamFinishAndExits() async throws {
        try await withFleet(routerArguments: ["--drain-delay", "2", "--drain-timeout", "60"]) { fleet in
            #expect(await Self.health(fleet) == 200)
            let stream = try await Self.startStream(fleet, tokens: 150)
            kill(fleet.router.pid, SIGTERM)
            try await fleet.eventually("health answers 503", timeout: .seconds(2)) { await Self.health(fleet) == 503 }
            // Within the delay the router still takes new connections and serves them.
            let fresh = HTTPClient(eventLoopGroupProvider: .singleton)
            var request = HTTPClientRequest(url: fleet.routerURL + "/v1/models")
            request.headers.add(name: "authorization", value: "Bearer \(fleet.adminKey)")
            #expect(try await fresh.execute(request, timeout: .seconds(5)).status == .ok)
            try await fresh.shutdown()
            let text = try await stream.value
            #expect(text.hasSuffix("data: [DONE]\n\n"), "\(text.suffix(200))")
            try await fleet.eventually("the router exits", timeout: .seconds(10)) { !fleet.router.isRunning }
            #expect(fleet.router.termination.status == 0)
            _ = try await fleet.router.waitForLogLine(containing: "draining")
        }
    }

    @Test func aStreamLongerThanTheDrainTimeoutIsCutAtIt() async throws {
        try await withFleet(routerArguments: ["--drain-timeout", "2"]) { fleet in
            let stream = try await Self.startStream(fleet, tokens: 4000)
            let stopped = ContinuousClock.now
            kill(fleet.router.pid, SIGTERM)
            try await fleet.eventually("the router exits", timeout: .seconds(15)) { !fleet.router.isRunning }
            let text = try await stream.value
            #expect(!text.hasSuffix("data: [DONE]\n\n"))
            // Bounded by the drain timeout (2 s), not by the stream (4,000 tokens).
            #expect(ContinuousClock.now - stopped < .seconds(12))
            #expect(fleet.router.termination.status == 0)
        }
    }

    struct NodeList: Decodable {
        struct Node: Decodable {
            var name: String
            var state: String
        }
        var nodes: [Node]
    }

    @Test func aDrainingAgentGetsNoNewRequestsAndExits() async throws {
        try await withFleet(agents: 0) { fleet in
            // Only the leaving agent serves the embedding model; both serve the chat model.
            let leaving = try await fleet.startAgent(name: "leaving", extraArguments: ["--name", "leaving", "--drain-delay", "3"])
            let chatOnly = try fleet.modelsDirectory("chat-only", models: [TestEnvironment.chatModel])
            try await fleet.startAgent(name: "staying", modelsDirectory: chatOnly, extraArguments: ["--name", "staying"])
            let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "trains"}"#
            let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
            #expect(try await fleet.call(.POST, "/v1/embeddings", json: embedding).status == 200)
            kill(leaving.pid, SIGTERM)
            try await fleet.eventually("the router sees the agent draining", timeout: .seconds(2)) {
                let nodes = try JSONDecoder().decode(NodeList.self, from: Data(try await fleet.call(.GET, "/v0/nodes").body.utf8)).nodes
                return nodes.contains { $0.name == "leaving" && $0.state == "draining" }
            }
            // While the agent still listens, nothing new goes there: its model has no node now,
            // and the shared one is answered by the node that stays.
            #expect(leaving.isRunning)
            let refused = try await fleet.call(.POST, "/v1/embeddings", json: embedding)
            #expect(refused.status == 503, "\(refused.body)")
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: chat).status == 200)
            try await fleet.eventually("the agent exits", timeout: .seconds(15)) { !leaving.isRunning }
            #expect(leaving.termination.status == 0)
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: chat).status == 200)
        }
    }
}
