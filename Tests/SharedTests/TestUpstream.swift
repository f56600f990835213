import AsyncHTTPClient
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared

/// A loopback server with one route per kind of answer, and a forwarder pointed at it.
struct TestUpstream {
    static let manyLines = 20_000

    let url: String
    let forwarder: UpstreamForwarder
    private let endlessStopped: NIOLockedValueBox<Bool>

    init(url: String, forwarder: UpstreamForwarder, endlessStopped: NIOLockedValueBox<Bool>) {
        self.url = url
        self.forwarder = forwarder
        self.endlessStopped = endlessStopped
    }

    func send(_ path: String, stream: Bool, timeout: TimeAmount = .seconds(5)) async throws -> UpstreamAnswer {
        try await forwarder.send(
            to: url + path,
            body: ByteBuffer(string: "{}"),
            headers: [:],
            bearer: nil,
            timeout: timeout,
            stream: stream,
            logger: Logger(label: "test")
        )
    }

    /// Whether the endless stream's writes started failing (its client went away) within 2 s.
    func waitUntilEndlessStreamStopped() async -> Bool {
        for _ in 0..<200 {
            if endlessStopped.withLockedValue({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    static func router(endlessStopped: NIOLockedValueBox<Bool>) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"id":1}"#)))
        }
        router.post("chunked") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for part in ["one,", "two,", "three"] { try await writer.write(ByteBuffer(string: part)) }
                    try await writer.finish(nil)
                }
            )
        }
        router.post("large") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: UpstreamAnswer.wholeBodyLimit + 1)))
        }
        router.post("many") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for line in 0..<manyLines { try await writer.write(ByteBuffer(string: "\(line)\n")) }
                    try await writer.finish(nil)
                }
            )
        }
        router.post("endless") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    do {
                        while true {
                            try await writer.write(ByteBuffer(string: "data: tick\n\n"))
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    } catch {
                        endlessStopped.withLockedValue { $0 = true }
                        throw error
                    }
                }
            )
        }
        router.post("slow") { _, _ in
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok)
        }
        router.post("short") { _, _ in
            // Says 8 bytes, sends 5, then closes.
            Response(
                status: .ok,
                headers: [.contentLength: "8"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"id""#))
                    throw CancellationError()
                }
            )
        }
        return router
    }
}

/// Runs `body` with a ``TestUpstream`` server and client, stopping both afterwards.
func withUpstream(_ body: (TestUpstream) async throws -> Void) async throws {
    let port = NIOLockedValueBox(0)
    let endlessStopped = NIOLockedValueBox(false)
    var quiet = Logger(label: "upstream")
    quiet.logLevel = .critical
    let app = Application(
        router: TestUpstream.router(endlessStopped: endlessStopped),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port ?? 0 } },
        logger: quiet
    )
    let server = Task { try await app.runService(gracefulShutdownSignals: []) }
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .switchyardUpstream)
    defer { server.cancel() }
    for _ in 0..<500 where port.withLockedValue({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
    do {
        try await body(
            TestUpstream(
                url: "http://127.0.0.1:\(port.withLockedValue { $0 })",
                forwarder: UpstreamForwarder(client: client),
                endlessStopped: endlessStopped
            )
        )
    } catch {
        try await client.shutdown()
        throw error
    }
    try await client.shutdown()
}
