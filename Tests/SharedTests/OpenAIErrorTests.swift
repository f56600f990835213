import Foundation
import HTTPTypes
import Testing

@testable import Shared

@Suite struct OpenAIErrorTests {
    @Test func envelopeHasAllFourFieldsWithNulls() throws {
        let error = OpenAIError.invalidRequest("bad")
        let object = try #require(try JSONSerialization.jsonObject(with: error.jsonData) as? [String: [String: Any]])
        let body = try #require(object["error"])
        #expect(Set(body.keys) == ["message", "type", "param", "code"])
        #expect(body["param"] is NSNull)
        #expect(body["code"] is NSNull)
        #expect(body["message"] as? String == "bad")
    }

    @Test func retryAfterIsAHeader() {
        let error = OpenAIError(status: .serviceUnavailable, message: "busy", type: "server_error", code: "busy", retryAfter: 7)
        #expect(error.status == .serviceUnavailable)
        #expect(error.headers[.retryAfter] == "7")
        #expect(error.body.code == "busy")
    }

    @Test func modelIDsAreWrittenWithoutEscapedSlashes() {
        let text = String(decoding: OpenAIError.modelNotFound("org/name").jsonData, as: UTF8.self)
        #expect(text.contains("'org/name'"))
    }
}
