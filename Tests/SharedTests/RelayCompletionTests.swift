import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Shared
import Testing

/// A relay's completion runs exactly once, also when the server never writes the body (the
/// client left before the head went out): the router releases the node's slot in it.
@Suite struct RelayCompletionTests {
    @Test func aRelayWhoseBodyNeverRunsStillFinishesOnce() async throws {
        let outcomes = NIOLockedValueBox<[RelayOutcome]>([])
        do {
            let upstream = UpstreamAnswer(status: .ok, headers: [:], body: .streaming(.bytes(ByteBuffer(string: "{}"))))
            let response = await UpstreamForwarder(client: UpstreamClient()).relay(
                upstream,
                watch: ClientDisconnectWatch(connection: nil),
                stream: false,
                logger: Logger(label: "test")
            ) { outcome, _ in outcomes.withLockedValue { $0.append(outcome) } }
            #expect(response.status == .ok)
            #expect(outcomes.withLockedValue { $0 }.isEmpty, "nothing is reported while the response may still be written")
        }
        // Reported from a task of its own once the response is gone.
        for _ in 0..<100 where outcomes.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(outcomes.withLockedValue { $0 } == [.clientDisconnected])
    }

    @Test func aWholeAnswerFinishesAtOnceWithItsTokenCounts() async {
        let reports = NIOLockedValueBox<[(RelayOutcome, TokenUsage?)]>([])
        let body = ByteBuffer(string: #"{"choices":[],"usage":{"completion_tokens":2,"prompt_tokens":5}}"#)
        let response = await UpstreamForwarder(client: UpstreamClient()).relay(
            UpstreamAnswer(status: .ok, headers: ["content-length": "\(body.readableBytes)"], body: .whole(body)),
            watch: ClientDisconnectWatch(connection: nil),
            stream: false,
            logger: Logger(label: "test")
        ) { outcome, usage in reports.withLockedValue { $0.append((outcome, usage)) } }
        #expect(response.body.contentLength == body.readableBytes)
        #expect(response.headers[HTTPField.Name.contentLength] == "\(body.readableBytes)")
        let finished = reports.withLockedValue { $0 }
        #expect(finished.count == 1)
        #expect(finished.first?.0 == .completed)
        #expect(finished.first?.1 == TokenUsage(promptTokens: 5, completionTokens: 2))
    }
}
