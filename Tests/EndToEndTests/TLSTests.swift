import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// TLS between hosts: the router and agents serve HTTPS with certificates from a private CA the
/// test makes, verify each other against it (`--ca-file`), refuse a certificate from any other
/// CA with a log line saying so, and take a renewed certificate on SIGHUP without a restart.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct TLSTests {
    static func chat() -> String {
        #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 2, "messages": [{"role": "user", "content": "Hi"}]}"#
    }

    struct NodeList: Decodable {
        struct Node: Decodable { var url: String? }
        var nodes: [Node]
    }

    @Test func routerAndAgentsTalkOverTLSWithAPrivateCAAndRefuseAnyOther() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = try PrivateCA(name: "fleet", in: directory)
        let rogue = try PrivateCA(name: "rogue", in: directory)
        let (routerPair, agentPair, impostorPair) = (try ca.issue("router"), try ca.issue("agent"), try rogue.issue("impostor"))
        func serving(_ pair: (certificate: URL, key: URL)) -> [String] {
            ["--tls-cert", pair.certificate.path, "--tls-key", pair.key.path]
        }
        let trusting = ["--ca-file", ca.certificate.path]
        let client = try ca.client()
        try await withFleet(agents: 0, routerArguments: serving(routerPair) + trusting) { fleet in
            fleet.client = client
            #expect(fleet.routerURL.hasPrefix("https://"))
            try await fleet.startAgent(name: "agent", extraArguments: serving(agentPair) + trusting)

            // The router reaches the agent over HTTPS; a client reaches the model through both.
            let listed = try JSONDecoder().decode(NodeList.self, from: Data(try await fleet.call(.GET, "/v0/nodes").body.utf8))
            #expect(listed.nodes.count == 1 && listed.nodes[0].url?.hasPrefix("https://") == true)
            let answer = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat())
            #expect(answer.status == 200, "\(answer.body)")

            // An agent whose certificate another CA signed is refused, and both logs say why.
            let impostor = try await fleet.startAgent(
                name: "impostor",
                extraArguments: serving(impostorPair) + trusting,
                waitForRegistration: false
            )
            _ = try await fleet.router.waitForLogLine(containing: "TLS certificate not trusted")
            _ = try await impostor.waitForLogLine(containing: "TLS certificate not trusted")
            // A trusted certificate for another host name is refused too.
            let misnamed = try await fleet.startAgent(
                name: "misnamed",
                extraArguments: serving(try ca.issue("misnamed", names: "DNS:elsewhere.example")) + trusting,
                waitForRegistration: false
            )
            _ = try await fleet.router.waitForLogLine(containing: "TLS certificate does not name the host")
            _ = try await misnamed.waitForLogLine(containing: "TLS certificate does not name the host")
            // An agent that does not trust the router's CA sends it nothing (the node token included).
            let doubter = try await fleet.startAgent(name: "doubter", extraArguments: serving(agentPair), waitForRegistration: false)
            _ = try await doubter.waitForLogLine(containing: "TLS certificate not trusted")
            let after = try JSONDecoder().decode(NodeList.self, from: Data(try await fleet.call(.GET, "/v0/nodes").body.utf8))
            #expect(after.nodes.count == 1)

            // Renewal: new files and SIGHUP; new connections get the new certificate, no restart.
            let port = try await fleet.router.listeningPort()
            let before = try PrivateCA.servedSerial(port: port)
            let renewed = try ca.issue("router")
            #expect(try PrivateCA.serial(of: renewed.certificate) != before)
            kill(fleet.router.pid, SIGHUP)
            _ = try await fleet.router.waitForLogLine(containing: "TLS certificate reloaded")
            #expect(try PrivateCA.servedSerial(port: port) == PrivateCA.serial(of: renewed.certificate))
            #expect(fleet.router.isRunning)
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat()).status == 200)
        }
        try await client.shutdown()
    }
}
