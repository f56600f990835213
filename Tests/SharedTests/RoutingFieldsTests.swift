import HTTPTypes
import NIOCore
import Testing

@testable import Shared

@Suite struct RoutingFieldsTests {
    @Test func readsModelAndStream() throws {
        let fields = try RoutingFields(
            parsing: ByteBuffer(string: #"{"model":"org/m","stream":true,"messages":[]}"#),
            route: .chatCompletions
        )
        #expect(fields.model == "org/m")
        #expect(fields.stream)
    }

    @Test func streamDefaultsToFalse() throws {
        let fields = try RoutingFields(parsing: ByteBuffer(string: #"{"model":"m","stream":null}"#), route: .completions)
        #expect(fields.stream == false)
    }

    @Test(arguments: [
        (#"not json"#, nil as String?, "not valid JSON"),
        (#"[1,2]"#, nil, "JSON object"),
        (#"{"messages":[]}"#, "model", "provide a model"),
        (#"{"model":""}"#, "model", "non-empty"),
        (#"{"model":42}"#, "model", "must be a string"),
        (#"{"model":"m","stream":"yes"}"#, "stream", "must be a boolean"),
    ])
    func rejectsBadBodies(body: String, param: String?, message: String) {
        #expect {
            try RoutingFields(parsing: ByteBuffer(string: body), route: .chatCompletions)
        } throws: { error in
            guard let error = error as? OpenAIError else { return false }
            return error.status == .badRequest && error.body.param == param && error.body.message.contains(message)
                && error.body.type == "invalid_request_error"
        }
    }

    @Test(arguments: [#"{"model":"m","max_tokens":1}"#, #"{"model":"m","messages":null}"#, #"{"model":"m","messages":"hi"}"#])
    func anthropicMessagesNeedAMessagesArray(body: String) {
        #expect {
            try RoutingFields(parsing: ByteBuffer(string: body), route: .messages)
        } throws: { error in
            (error as? OpenAIError)?.body.param == "messages"
        }
    }

    @Test func everyRoutesPathIsItsNameUnderV1() {
        for route in InferenceRoute.allCases { #expect(route.path == "/v1/\(route.rawValue)") }
    }

    @Test func embeddingsCannotStream() {
        #expect(throws: OpenAIError.self) {
            try RoutingFields(parsing: ByteBuffer(string: #"{"model":"e","stream":true}"#), route: .embeddings)
        }
    }
}
