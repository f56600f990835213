import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Shared
import Testing

/// ``ServerLimits`` on a real server: oversized and malformed heads get an answer in the error
/// envelope, slow and idle clients are closed at their deadlines, and connections past the cap
/// are refused with 503.
struct ServerLimitsTests {
    /// Small limits so the tests run quickly.
    static var limits: ServerLimits {
        var limits = ServerLimits()
        limits.headTimeout = .seconds(1)
        limits.bodyTimeout = .seconds(1)
        return limits
    }

    static let get = "GET /ok HTTP/1.1\r\nHost: test\r\n\r\n"
    /// A request after which the server closes the connection.
    static let getOnce = "GET /ok HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"

    /// Runs `body` with a server on a free port holding to `limits`.
    func withServer(_ limits: ServerLimits = Self.limits, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("ok") { _, _ in "ok" }
        router.post("echo") { request, _ in try await request.body.collect(upTo: 1 << 20) }
        router.post("early") { _, _ in "answered before the body" }
        router.get("slow") { _, _ in
            try await Task.sleep(for: .milliseconds(1500))
            return "slow"
        }
        let port = NIOLockedValueBox(0)
        var logger = Logger(label: "limits")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: try .switchyard(limits: limits, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port ?? 0 } },
            logger: logger
        )
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        for _ in 0..<500 where port.withLockedValue({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(port.withLockedValue { $0 })
    }

    func errorCode(_ outcome: RawConnection.Outcome) throws -> String? {
        try JSONDecoder().decode(OpenAIError.Envelope.self, from: Data(outcome.body.utf8)).error.code
    }

    @Test func anOversizedRequestLineOrHeadIsAnswered431() async throws {
        try await withServer { port in
            let longLine = try await RawConnection.exchange(port: port, ["GET /\(String(repeating: "a", count: 17 * 1024)) HTTP/1.1\r\n\r\n"])
            #expect(longLine.status == 431)
            #expect(try errorCode(longLine) == "request_header_too_large")
            let fields = (0..<101).map { "X-Field-\($0): 1\r\n" }.joined()
            let tooMany = try await RawConnection.exchange(port: port, ["GET /ok HTTP/1.1\r\nHost: test\r\n\(fields)\r\n"])
            #expect(tooMany.status == 431)
            let bigHeader = "X-Big: \(String(repeating: "b", count: 15 * 1024))\r\n"
            let tooBig = try await RawConnection.exchange(
                port: port,
                ["GET /ok HTTP/1.1\r\nHost: test\r\n" + String(repeating: bigHeader, count: 5) + "\r\n"]
            )
            #expect(tooBig.status == 431)
            // Within the limits, a large head is served.
            let fine = try await RawConnection.exchange(port: port, ["GET /ok HTTP/1.1\r\nHost: test\r\n\(bigHeader)\r\n"])
            #expect(fine.status == 200)
        }
    }

    @Test func bytesThatAreNotHTTPAreAnswered400() async throws {
        try await withServer { port in
            let garbage = try await RawConnection.exchange(port: port, ["\u{1}\u{2} nonsense\r\n\r\n"])
            #expect(garbage.status == 400)
            #expect(try errorCode(garbage) == "malformed_request")
        }
    }

    @Test func aHeadSentAByteAtATimeIsClosedAtTheHeadDeadline() async throws {
        try await withServer { port in
            // A head that never ends, a byte per 20 ms for 4 s; the deadline is 1 s.
            let head = "GET /ok HTTP/1.1\r\nHost: test\r\nX-Slow: " + String(repeating: "a", count: 170)
            let slow = try await RawConnection.exchange(port: port, head.map(String.init), pause: .milliseconds(20))
            #expect(!slow.sentAll && slow.received.isEmpty)
        }
    }

    @Test func aBodySentSlowlyIsClosedAtTheBodyDeadline() async throws {
        try await withServer { port in
            let head = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 200\r\n\r\n"
            let slow = try await RawConnection.exchange(port: port, [head] + Array(repeating: "x", count: 200), pause: .milliseconds(20))
            #expect(!slow.sentAll && slow.status == nil)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterItsAnswer() async throws {
        try await withServer { port in
            // The server answers, keeps the connection open for the head deadline, then closes it.
            let idle = try await RawConnection.exchange(port: port, [Self.get], limit: .seconds(5))
            #expect(idle.status == 200 && idle.sentAll)
        }
    }

    @Test func connectionsPastTheCapAreRefused503() async throws {
        var limits = Self.limits
        limits.maxConnections = 2
        limits.headTimeout = .seconds(10)
        try await withServer(limits) { port in
            // Idle connections take the places: one more each round until a request is refused
            // (a holder that the server set up after the round's request is refused itself).
            var holders: [any Channel] = []
            var refused: RawConnection.Outcome?
            for _ in 0..<20 where refused == nil {
                holders.append(try await RawConnection.open(port: port))
                let attempt = try await RawConnection.exchange(port: port, [Self.getOnce])
                if attempt.status == 503 { refused = attempt }
            }
            let answer = try #require(refused)
            #expect(try errorCode(answer) == "too_many_connections")
            #expect(answer.header("Retry-After") == "1")
            // Once the holders leave, a new connection is served.
            for holder in holders { try await holder.close() }
            var served = false
            for _ in 0..<100 where !served {
                served = try await RawConnection.exchange(port: port, [Self.getOnce]).status == 200
                if !served { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(served)
        }
    }

    @Test func anAnswerBeforeItsBodyLeavesTheConnectionUnderTheHeadDeadline() async throws {
        try await withServer { port in
            // Answered at once; the body comes afterwards; then the client falls silent.
            let head = "POST /early HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n"
            let early = try await RawConnection.exchange(port: port, [head, "0123456789"], pause: .milliseconds(100), limit: .seconds(5))
            #expect(early.status == 200 && early.sentAll)
        }
    }

    @Test func aPipelinedRequestIsAnsweredWhateverItsAnswerTakes() async throws {
        try await withServer { port in
            // The second answer takes longer than the head deadline: it runs under no deadline.
            let slow = "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"
            let both = try await RawConnection.exchange(port: port, [Self.get + slow], limit: .seconds(5))
            #expect(both.received.components(separatedBy: "HTTP/1.1 200").count == 3, "\(both.received)")
            #expect(both.received.hasSuffix("slow"))
        }
    }
}
