import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Every endpoint the engine serves, through the router to real agents and engines: OpenAI's
/// Responses API, Anthropic's Messages API, their token counts, rerank and audio transcription,
/// each routed by its model with the same guarantees as chat.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct APISurfaceTests {
    static let chat = TestEnvironment.chatModel
    static let prompt = "Tell me a long story about trains."

    static func responses(tokens: Int, stream: Bool = false) -> String {
        #"{"model": "\#(chat)", "input": "\#(prompt)", "max_output_tokens": \#(tokens), "stream": \#(stream), "ignore_eos": true}"#
    }

    static func messages(tokens: Int, stream: Bool = false, model: String = chat) -> String {
        #"{"model": "\#(model)", "max_tokens": \#(tokens), "stream": \#(stream), "ignore_eos": true, "messages": [{"role": "user", "content": "\#(prompt)"}]}"#
    }

    /// The `code` of an OpenAI error envelope.
    static func code(_ body: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func responsesAndMessagesAndTheirCountsAreAnsweredByTheEngine() async throws {
        try await withFleet { fleet in
            let response = try await fleet.call(.POST, "/v1/responses", json: Self.responses(tokens: 4))
            #expect(response.status == 200, "\(response.body)")
            #expect(try Self.json(response.body)["object"] as? String == "response")
            let counted = try await fleet.call(.POST, "/v1/responses/input_tokens", json: Self.responses(tokens: 4))
            #expect((try Self.json(counted.body)["input_tokens"] as? Int ?? 0) > 0, "\(counted.body)")
            let anthropic = ["anthropic-version": "2023-06-01"]
            let message = try await fleet.call(.POST, "/v1/messages", json: Self.messages(tokens: 4), headers: anthropic)
            #expect(try Self.json(message.body)["type"] as? String == "message", "\(message.body)")
            let tokens = try await fleet.call(.POST, "/v1/messages/count_tokens", json: Self.messages(tokens: 4), headers: anthropic)
            #expect((try Self.json(tokens.body)["input_tokens"] as? Int ?? 0) > 0, "\(tokens.body)")
            let stream = try await fleet.call(.POST, "/v1/messages", json: Self.messages(tokens: 4, stream: true), headers: anthropic)
            let events = stream.body.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst("event: ".count) }
            #expect(events.first == "message_start" && events.last == "message_stop", "\(stream.body)")
        }
    }

    @Test(arguments: ["/v1/responses", "/v1/messages"])
    func aClientLeavingTheStreamCancelsTheEngineRequest(path: String) async throws {
        try await withFleet { fleet in
            let agent = try #require(fleet.agents.first)
            let body = path == "/v1/responses" ? Self.responses(tokens: 2000, stream: true) : Self.messages(tokens: 2000, stream: true)
            let (streaming, port) = try await RoutingTests.startLongStream(fleet, agent: agent, path: path, json: body)
            streaming.cancel()
            let left = ContinuousClock.now
            try await fleet.eventually("the engine stops generating", timeout: .seconds(5)) {
                try await RoutingTests.processing(enginePort: port) == 0
            }
            #expect(ContinuousClock.now - left < .seconds(1), "the engine kept generating after the client left")
        }
    }

    @Test func rerankAndTranscriptionAreRoutedByTheirModel() async throws {
        try await withFleet { fleet in
            // No reranker ships offline: the embedding model reaches its node, whose agent says
            // plainly that it is not one (proof the request was routed by its model).
            let rerank = #"{"model": "\#(TestEnvironment.embeddingModel)", "query": "trains", "documents": ["a", "b"]}"#
            let notReranker = try await fleet.call(.POST, "/v1/rerank", json: rerank)
            #expect(notReranker.status == 400 && Self.code(notReranker.body) == "model_not_supported", "\(notReranker.body)")
            let unknown = try await fleet.call(.POST, "/v1/rerank", json: #"{"model": "nobody/serves-this", "query": "q", "documents": []}"#)
            #expect(unknown.status == 404)
            // A multipart transcription request is routed by its `model` field; the engine, which
            // has no audio model here, answers with its own error, passed through.
            let boundary = "switchyard-test-boundary"
            var form = ByteBuffer()
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
            form.writeBytes([UInt8](repeating: 0, count: 4096))
            form.writeString("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n\(Self.chat)\r\n--\(boundary)--\r\n")
            let headers = ["content-type": "multipart/form-data; boundary=\(boundary)"]
            let transcription = try await fleet.call(.POST, "/v1/audio/transcriptions", body: form, headers: headers)
            #expect((400..<500).contains(transcription.status), "\(transcription.status) \(transcription.body)")
            let noModel = try await fleet.call(.POST, "/v1/audio/transcriptions", body: ByteBuffer(string: "--\(boundary)--\r\n"), headers: headers)
            #expect(noModel.status == 400, "\(noModel.body)")
            let nodes = try Self.json(try await fleet.call(.GET, "/v0/nodes").body)["nodes"] as? [[String: Any]] ?? []
            #expect(nodes.allSatisfy { ($0["excluded_models"] as? [String])?.isEmpty == true }, "a client's error excluded the node")
        }
    }
}
