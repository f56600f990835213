import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The agent is the arbiter of its capacity, whoever sends to it (another router replica, a
/// direct client): past it, it answers 503 `node_busy`, and a router treats that as busy, not
/// as a failure: it asks again until the place is free, and the node keeps its models.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct CapacityArbiterTests {
    static func chat(stream: Bool, tokens: Int) -> String {
        #"{"model": "\#(TestEnvironment.chatModel)", "stream": \#(stream), "max_tokens": \#(tokens), "ignore_eos": true, "messages": [{"role": "user", "content": "Count."}]}"#
    }

    struct ErrorDocument: Decodable {
        struct Detail: Decodable { var code: String? }
        var error: Detail
    }

    struct NodeList: Decodable {
        struct Node: Decodable { var excludedModels: [String] }
        var nodes: [Node]
    }

    @Test func anAgentFullOfOthersWorkIsBusyAndTheRouterWaitsForIt() async throws {
        try await withFleet(agents: 0) { fleet in
            let agent = try await fleet.startAgent(name: "single", extraArguments: ["--slots", "1"])
            // A direct client takes the agent's one place with a stream.
            var direct = HTTPClientRequest(url: "http://127.0.0.1:\(try await agent.listeningPort())/v1/chat/completions")
            direct.method = .POST
            direct.headers.add(name: "authorization", value: "Bearer \(fleet.nodeToken)")
            direct.headers.add(name: "content-type", value: "application/json")
            direct.body = .bytes(ByteBuffer(string: Self.chat(stream: true, tokens: 150)))
            let held = try await HTTPClient.shared.execute(direct, timeout: .seconds(60))
            var chunks = held.body.makeAsyncIterator()
            _ = try await chunks.next()

            // Past its capacity the agent says so itself.
            let refused = try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: Self.chat(stream: false, tokens: 2))
            #expect(refused.status == 503)
            #expect(try JSONDecoder().decode(ErrorDocument.self, from: Data(refused.body.utf8)).error.code == "node_busy")

            // Through the router, the request waits for the place instead of failing.
            let routed = Task { try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(stream: false, tokens: 2)) }
            while try await chunks.next() != nil {}
            let answer = try await routed.value
            #expect(answer.status == 200, "\(answer.body)")
            _ = try await fleet.router.waitForLogLine(containing: "node busy (503)")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let nodes = try decoder.decode(NodeList.self, from: Data(try await fleet.call(.GET, "/v0/nodes").body.utf8)).nodes
            #expect(nodes.count == 1 && nodes[0].excludedModels.isEmpty, "a busy node keeps its models")
        }
    }
}
