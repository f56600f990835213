import Logging
import NIOConcurrencyHelpers
import Shared
import Testing

/// A secret sent over plain HTTP to another host is warned about once per peer, without the
/// secret or the address; loopback and HTTPS are not warned about.
@Suite struct PlaintextWarningTests {
    private struct Lines: TextOutputStream, Sendable {
        let written = NIOLockedValueBox<[String]>([])
        mutating func write(_ string: String) { written.withLockedValue { $0.append(string) } }
    }

    @Test(arguments: [
        ("http://10.0.0.5:8801", true), ("http://router.example:8800/", true), ("HTTP://192.168.1.2", true),
        ("http://[fe80::1]:8801", true), ("https://10.0.0.5:8801", false), ("http://127.0.0.1:8801", false),
        ("http://127.8.9.1", false), ("http://localhost:8800", false), ("http://[::1]:8801", false),
        ("http://agent.localhost:8801", false),
    ])
    func tellsPlaintextAcrossTheNetwork(url: String, warned: Bool) {
        #expect(PlaintextWarning.isPlaintextOffHost(url) == warned)
    }

    @Test func warnsOncePerPeerNamingNeitherSecretNorAddress() throws {
        let lines = Lines()
        let logger = Logger(label: "test") { DeferredMetadataLogHandler(label: $0, stream: lines, metadataProvider: nil) }
        let warning = PlaintextWarning()
        for _ in 0..<3 { warning.check(url: "http://10.1.2.3:8801", peer: "node 'gpu-1'", secret: "The node token", logger: logger) }
        warning.check(url: "https://10.1.2.4:8801", peer: "node 'gpu-2'", secret: "The node token", logger: logger)
        warning.check(url: "http://10.1.2.5:8801", peer: "node 'gpu-3'", secret: "The node token", logger: logger)
        let written = lines.written.withLockedValue { $0 }
        try #require(written.count == 2)
        #expect(written[0].contains("warning") && written[0].contains("node 'gpu-1'") && written[1].contains("node 'gpu-3'"))
        #expect(!written.joined().contains("10.1.2."))
    }
}
