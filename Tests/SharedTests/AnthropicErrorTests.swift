import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import Shared

/// Anthropic's error shape for `/v1/messages`, made from the OpenAI error of the same situation.
@Suite struct AnthropicErrorTests {
    @Test(
        arguments: [
            (OpenAIError.modelNotFound("m"), 404, "not_found_error"),
            (OpenAIError.invalidAPIKey(), 401, "authentication_error"),
            (OpenAIError.invalidRequest("bad"), 400, "invalid_request_error"),
            (OpenAIError.requestTooLarge(limit: 1), 413, "invalid_request_error"),
            (OpenAIError(status: .tooManyRequests, message: "full", type: "rate_limit_error", retryAfter: 1), 429, "rate_limit_error"),
            (OpenAIError(status: .serviceUnavailable, message: "none", type: "server_error"), 503, "overloaded_error"),
            (OpenAIError(status: .gatewayTimeout, message: "late", type: "server_error"), 504, "timeout_error"),
            (OpenAIError.upstreamError(), 502, "api_error"),
        ]
    )
    func theTypeFollowsTheStatus(error: OpenAIError, status: Int, type: String) throws {
        let anthropic = AnthropicError(error)
        #expect(anthropic.status.code == status)
        let document = try JSONDecoder().decode(AnthropicError.Document.self, from: anthropic.jsonData)
        #expect(document == AnthropicError.Document(error: .init(type: type, message: error.body.message)))
        #expect(anthropic.headers == error.headers, "Retry-After and the like are kept")
    }

    @Test func pathsBelowMessagesAreAnthropics() {
        #expect(APIDialect.of(path: "/v1/messages") == .anthropic)
        #expect(APIDialect.of(path: "/v1/messages/count_tokens") == .anthropic)
        #expect(APIDialect.of(path: "/v1/messagesx") == .openAI)
        #expect(APIDialect.of(path: "/v1/chat/completions") == .openAI)
        #expect(InferenceRoute.allCases.filter { $0.dialect == .anthropic } == [.messages, .messagesCountTokens])
    }

    @Test func aBrokenStreamEndsWithTheDialectsErrorEvent() throws {
        let anthropic = String(buffer: UpstreamForwarder.errorEvent(.anthropic))
        #expect(anthropic.hasPrefix("event: error\ndata: ") && anthropic.hasSuffix("\n\n"))
        let data = Data(anthropic.dropFirst("event: error\ndata: ".count).utf8)
        #expect(try JSONDecoder().decode(AnthropicError.Document.self, from: data).error.type == "api_error")
        let openAI = String(buffer: UpstreamForwarder.errorEvent(.openAI))
        let envelope = try JSONDecoder().decode(OpenAIError.Envelope.self, from: Data(openAI.dropFirst("data: ".count).utf8))
        #expect(envelope.error.code == "upstream_error")
    }
}
