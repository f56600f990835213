import AsyncHTTPClient
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
    @Test func aRelayWhoseBodyNeverRunsStillFinishesOnce() {
        let outcomes = NIOLockedValueBox<[RelayOutcome]>([])
        do {
            let request = Request(
                head: HTTPRequest(method: .post, scheme: "http", authority: "router", path: "/v1/chat/completions"),
                body: RequestBody(buffer: ByteBuffer(string: "{}"))
            )
            let upstream = HTTPClientResponse(status: .ok, headers: [:], body: .bytes(ByteBuffer(string: "{}")))
            let response = UpstreamForwarder(client: .shared).relay(
                upstream,
                watch: ClientDisconnectWatch(request: request),
                stream: false,
                logger: Logger(label: "test")
            ) { outcome, _ in outcomes.withLockedValue { $0.append(outcome) } }
            #expect(response.status == .ok)
            #expect(outcomes.withLockedValue { $0 }.isEmpty, "nothing is reported while the response may still be written")
        }
        #expect(outcomes.withLockedValue { $0 } == [.clientDisconnected])
    }
}
