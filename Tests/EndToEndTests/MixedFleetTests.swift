import Foundation
import NIOHTTP1
import Testing

/// Speed-aware routing with real agents on this machine's two kinds of engine: a fast node (the
/// CPU engine) and a slow one (the Vulkan engine on Mesa's lavapipe, a software device tens of
/// times slower). Each agent measures its engine; the router sends the slow node only the share
/// of a burst that its measured speed earns, although its free slots would take more.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct MixedFleetTests {
    /// The parts of `GET /v0/nodes` this test reads.
    struct NodesDocument: Decodable {
        struct Node: Decodable {
            struct Engine: Decodable { var requestSeconds: Double? }
            var id: String
            var url: String
            var engines: [Engine]?
        }
        var nodes: [Node]
    }

    @Test func aSlowNodeGetsTheShareOfABurstItsMeasuredSpeedEarns() async throws {
        try await withFleet(agents: 0) { fleet in
            let cpuOnly = fleet.environment.cpuOnlyLlamaServer
            let fast = try await fleet.startAgent(name: "fast", llamaServer: cpuOnly, extraArguments: ["--slots", "2"])
            let slow = try await fleet.startAgent(name: "slow", extraArguments: ["--allow-software-devices", "--slots", "4"])
            // Each engine starts and is measured with requests of its own; the agent reads its
            // counters once it has been idle for 3 s and the next heartbeat carries them.
            for agent in [fast, slow] {
                for _ in 0..<2 {
                    try #require(try await fleet.callAgent(agent, .POST, "/v1/chat/completions", json: RoutingTests.chat(tokens: 4)).status == 200)
                }
            }
            let names = [try await fast.listeningPort(): "fast", try await slow.listeningPort(): "slow"]
            var measured: [String: (id: String, seconds: Double)] = [:]
            try await fleet.eventually("both nodes report their engine seconds per request", timeout: .seconds(30)) {
                let (_, body) = try await fleet.call(.GET, "/v0/nodes")
                let nodes = try Self.decoder.decode(NodesDocument.self, from: Data(body.utf8)).nodes
                measured = nodes.reduce(into: [:]) { found, node in
                    if let seconds = node.engines?.first?.requestSeconds, let port = URLComponents(string: node.url)?.port, let name = names[port] {
                        found[name] = (node.id, seconds)
                    }
                }
                return measured.count == 2
            }
            let (fastNode, slowNode) = (try #require(measured["fast"]), try #require(measured["slow"]))
            try #require(slowNode.seconds > 5 * fastNode.seconds, "lavapipe is not slower here: \(measured)")

            let burst = 24
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<burst {
                    group.addTask { try await fleet.call(.POST, "/v1/chat/completions", json: RoutingTests.chat(tokens: 4)).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let served = try await Self.answered(by: [fastNode.id, slowNode.id], in: fleet)
            // Both saturated, each node serves slots / seconds requests a second: the slow
            // node's share of the burst by its measured speed, with one request of slack.
            let (fastRate, slowRate) = (2 / fastNode.seconds, 4 / slowNode.seconds)
            let earned = Double(burst) * slowRate / (fastRate + slowRate)
            #expect(Double(served[slowNode.id] ?? 0) <= earned.rounded(.up) + 1, "slow node served \(served), earned \(earned)")
            #expect(served.values.reduce(0, +) == burst)
        }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Requests the router answered with 200 from each node, from its `/metrics`.
    static func answered(by nodes: [String], in fleet: Fleet) async throws -> [String: Int] {
        let (_, metrics) = try await fleet.call(.GET, "/metrics")
        var served: [String: Int] = [:]
        for line in metrics.split(separator: "\n") where line.hasPrefix("switchyard_requests_total{") && line.contains(#"status="200""#) {
            guard let node = nodes.first(where: { line.contains(#"node="\#($0)""#) }), let count = Double(line.split(separator: " ").last ?? "")
            else {
                continue
            }
            served[node, default: 0] += Int(count)
        }
        return served
    }
}
