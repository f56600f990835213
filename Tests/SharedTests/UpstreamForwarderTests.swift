import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared
import Testing

/// The forwarder's side of one upstream request, against a real server on loopback: small answers
/// that are not streamed arrive whole, everything else streams with backpressure, a reader that
/// stops early cancels the request, and the time until the answer is bounded.
@Suite struct UpstreamForwarderTests {
    @Test func aSmallAnswerWithALengthArrivesWhole() async throws {
        try await withUpstream { upstream in
            let answer = try await upstream.send("/json", stream: false)
            guard case .whole(let body) = answer.body else {
                Issue.record("expected a whole body")
                return
            }
            #expect(answer.status == .ok)
            #expect(String(buffer: body) == #"{"id":1}"#)
        }
    }

    @Test("streams, answers without a length and large answers are relayed as they arrive")
    func otherAnswersStream() async throws {
        try await withUpstream { upstream in
            for (path, stream, expected) in [
                ("/json", true, #"{"id":1}"#),
                ("/chunked", false, "one,two,three"),
                ("/large", false, String(repeating: "x", count: UpstreamAnswer.wholeBodyLimit + 1)),
            ] {
                let answer = try await upstream.send(path, stream: stream)
                guard case .streaming(let body) = answer.body else {
                    Issue.record("expected \(path) to stream")
                    continue
                }
                var received = ByteBuffer()
                for try await chunk in body { received.writeImmutableBuffer(chunk) }
                #expect(String(buffer: received) == expected, "\(path)")
            }
        }
    }

    @Test("a long stream read slowly arrives complete and in order (the reader paces the upstream)")
    func backpressure() async throws {
        try await withUpstream { upstream in
            let answer = try await upstream.send("/many", stream: true)
            guard case .streaming(let body) = answer.body else {
                Issue.record("expected a stream")
                return
            }
            var received = ByteBuffer()
            var chunks = 0
            for try await chunk in body {
                received.writeImmutableBuffer(chunk)
                chunks += 1
                if chunks % 50 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            // Chunks split lines anywhere: compare the whole text.
            let lines = String(buffer: received).split(separator: "\n").map { Int($0) }
            #expect(lines == (0..<TestUpstream.manyLines).map { $0 })
        }
    }

    @Test("a reader that stops reading stops the upstream: what is held in between stays bounded")
    func backpressureBoundsWhatIsHeld() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await FloodingUpstream.start(on: group)
        let client = UpstreamClient(group: group)
        let answer = try await UpstreamForwarder(client: client).post(to: upstream.url + "/flood", stream: true)
        guard case .streaming(let body) = answer.body else {
            Issue.record("expected a stream")
            return
        }
        var chunks = body.makeAsyncIterator()
        let first = try #require(try await chunks.next())
        // The reader now stops. The upstream may fill the loopback socket's buffers (tcp_rmem
        // and tcp_wmem allow 36 MiB here) and the forwarder's four chunks, then must stall; it
        // stalled at 4.0 MB in every run here. A forwarder that buffered without limit would
        // take gigabytes in the same time.
        var last = -1
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            let written = upstream.written.withLockedValue { $0 }
            if written == last { break }  // stalled
            last = written
        }
        #expect(last < 64 << 20, "\(last) bytes went out while the reader took \(first.readableBytes)")
        var resumed = false
        for _ in 0..<100_000 where !resumed {
            guard try await chunks.next() != nil else { break }
            resumed = upstream.written.withLockedValue { $0 } > last
        }
        #expect(resumed, "reading again resumed the upstream")
        await client.shutdown()
        await upstream.stop()
        try await group.shutdownGracefully()
    }

    @Test("a reader that stops early cancels the upstream request")
    func aReaderThatLeavesCancels() async throws {
        try await withUpstream { upstream in
            do {
                let answer = try await upstream.send("/endless", stream: true)
                guard case .streaming(let body) = answer.body else {
                    Issue.record("expected a stream")
                    return
                }
                for try await _ in body { break }
            }
            #expect(await upstream.waitUntilEndlessStreamStopped(), "the upstream saw its client go within 2 s")
            // The stopped request's connection is closed, not pooled: the next one opens another.
            #expect(try await upstream.send("/json", stream: false).status == .ok)
            #expect(upstream.connections.opened == 2)
        }
    }

    @Test("cancelling a body whose reader waits for a chunk ends the read and closes the connection (a relay's client left)")
    func cancellingAWaitingBody() async throws {
        try await withUpstream { upstream in
            let answer = try await upstream.send("/stall", stream: true)
            guard case .streaming(let body) = answer.body else {
                Issue.record("expected a stream")
                return
            }
            let started = ContinuousClock.now
            let reader = Task {
                var chunks = body.makeAsyncIterator()
                _ = try await chunks.next()  // the first chunk; the upstream then stalls for 10 s
                return try await chunks.next()
            }
            try await Task.sleep(for: .milliseconds(100))
            body.cancel()
            await #expect(throws: CancellationError.self) { _ = try await reader.value }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(try await upstream.send("/json", stream: false).status == .ok)
            #expect(upstream.connections.opened == 2, "the stalled connection was closed, not pooled")
        }
    }

    @Test func noAnswerWithinTheTimeoutFails() async throws {
        try await withUpstream { upstream in
            let started = ContinuousClock.now
            await #expect(throws: UpstreamError.timedOut) {
                _ = try await upstream.send("/slow", stream: false, timeout: .milliseconds(200))
            }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func cancellingTheCallerCancelsTheRequest() async throws {
        try await withUpstream { upstream in
            let started = ContinuousClock.now
            let request = Task { try await upstream.send("/slow", stream: false) }
            try await Task.sleep(for: .milliseconds(100))
            request.cancel()
            await #expect(throws: CancellationError.self) { _ = try await request.value }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func anAnswerShorterThanItsLengthFails() async throws {
        try await withUpstream { upstream in
            await #expect(throws: UpstreamError.bodyBrokeOff) { _ = try await upstream.send("/short", stream: false) }
        }
    }

    @Test("a client that was shut down fails the request instead of leaving it waiting", .timeLimit(.minutes(1)))
    func aShutDownClientFails() async throws {
        let client = UpstreamClient()
        await client.shutdown()
        await #expect(throws: UpstreamError.shutDown) {
            _ = try await UpstreamForwarder(client: client).post(to: "http://127.0.0.1:9/v1/chat/completions", timeout: .seconds(5))
        }
    }
}
