import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared
import Testing

/// Small answers that are not streamed are read whole (one write to the client); streams,
/// answers without a length and large answers are relayed as they arrive.
@Suite struct UpstreamAnswerTests {
    private func response(_ text: String, length: Int?) -> HTTPClientResponse {
        HTTPClientResponse(
            status: .ok,
            headers: length.map { ["content-length": "\($0)"] } ?? [:],
            body: .bytes(ByteBuffer(string: text))
        )
    }

    @Test func aSmallAnswerWithALengthIsReadWhole() async throws {
        let answer = try await UpstreamAnswer.receive(response("{\"id\":1}", length: 8), readWhole: true)
        guard case .whole(let body) = answer.body else {
            Issue.record("expected a whole body")
            return
        }
        #expect(String(buffer: body) == "{\"id\":1}")
    }

    @Test func streamsUnknownLengthsAndLargeAnswersAreRelayed() async throws {
        let cases = [
            try await UpstreamAnswer.receive(response("{}", length: 2), readWhole: false),
            try await UpstreamAnswer.receive(response("{}", length: nil), readWhole: true),
            try await UpstreamAnswer.receive(response("{}", length: UpstreamAnswer.wholeBodyLimit + 1), readWhole: true),
        ]
        for answer in cases {
            guard case .streaming = answer.body else {
                Issue.record("expected a streamed body")
                continue
            }
        }
    }

    @Test func anAnswerShorterThanItsLengthIsAFailure() async {
        await #expect(throws: (any Error).self) {
            _ = try await UpstreamAnswer.receive(self.response("{\"id\"", length: 8), readWhole: true)
        }
    }
}
