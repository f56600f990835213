import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// One real request end to end: client → switchyard-router → switchyard-agent → llama-server,
/// with the real SmolLM2 and MiniLM models.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct WalkingSkeletonTests {
    static let chatBody = """
        {"model": "\(TestEnvironment.chatModel)", "max_tokens": 16, "temperature": 0,
         "messages": [{"role": "user", "content": "Name three colours of the rainbow."}]}
        """

    @Test func routerListsTheBundledModels() async throws {
        try await withFleet { fleet in
            let (status, body) = try await fleet.call(.GET, "/v1/models")
            #expect(status == 200)
            let list = try JSONDecoder().decode(ModelListDocument.self, from: Data(body.utf8))
            #expect(list.object == "list")
            #expect(Set(list.data.map(\.id)) == [TestEnvironment.chatModel, TestEnvironment.embeddingModel])
        }
    }

    @Test func nonStreamedChatCompletion() async throws {
        try await withFleet { fleet in
            let (status, body) = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chatBody)
            try #require(status == 200, "body: \(body)")
            let completion = try JSONDecoder().decode(ChatCompletionDocument.self, from: Data(body.utf8))
            #expect(completion.object == "chat.completion")
            let content = try #require(completion.choices.first?.message?.content)
            #expect(!content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        }
    }

    @Test func streamedChatCompletionArrivesIncrementally() async throws {
        try await withFleet { fleet in
            let body = Self.chatBody.replacingOccurrences(of: "\"max_tokens\": 16", with: "\"max_tokens\": 24, \"stream\": true")
            let response = try await fleet.send(.POST, "/v1/chat/completions", json: body)
            try #require(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            var chunks = 0
            var text = ""
            for try await buffer in response.body {
                chunks += 1
                text += String(buffer: buffer)
            }
            let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(chunks >= 3, "the stream arrived in \(chunks) network chunk(s); expected it to be relayed as generated")
            #expect(events.allSatisfy { $0.hasPrefix("data: ") })
            #expect(events.last == "data: [DONE]")
            let contentEvents = events.dropLast().filter { $0.contains("\"content\"") }
            #expect(contentEvents.count >= 5)
        }
    }

    @Test func embeddingMatchesTheReference() async throws {
        try await withFleet { fleet in
            let reference = try JSONDecoder().decode(
                ReferenceEmbeddings.self,
                from: Data(contentsOf: fleet.environment.referenceEmbeddings)
            )
            let inputs = try String(decoding: JSONEncoder().encode(reference.inputs), as: UTF8.self)
            let (status, body) = try await fleet.call(
                .POST,
                "/v1/embeddings",
                json: #"{"model": "\#(TestEnvironment.embeddingModel)", "input": \#(inputs)}"#
            )
            try #require(status == 200, "body: \(body)")
            let document = try JSONDecoder().decode(EmbeddingsDocument.self, from: Data(body.utf8))
            try #require(document.data.count == reference.embeddings.count)
            for (index, expected) in reference.embeddings.enumerated() {
                let actual = try #require(document.data.first { $0.index == index }).embedding
                #expect(actual.count == 384)
                #expect(cosine(actual, expected) >= 0.999, "input \(index): '\(reference.inputs[index])'")
            }
        }
    }

    @Test func unknownModelIsNotFound() async throws {
        try await withFleet { fleet in
            let (status, body) = try await fleet.call(
                .POST,
                "/v1/chat/completions",
                json: #"{"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}]}"#
            )
            #expect(status == 404)
            let envelope = try JSONDecoder().decode(ErrorDocument.self, from: Data(body.utf8))
            #expect(envelope.error.code == "model_not_found")
            #expect(envelope.error.type == "invalid_request_error")
        }
    }

    @Test func bodyWithoutModelIsBadRequest() async throws {
        try await withFleet { fleet in
            let (status, body) = try await fleet.call(.POST, "/v1/chat/completions", json: #"{"messages": []}"#)
            #expect(status == 400)
            let envelope = try JSONDecoder().decode(ErrorDocument.self, from: Data(body.utf8))
            #expect(envelope.error.param == "model")
            #expect(envelope.error.type == "invalid_request_error")
        }
    }

    @Test func killedAgentLeavesNoEngineRunning() async throws {
        try await withFleet { fleet in
            let (status, _) = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chatBody)
            try #require(status == 200)
            let agent = try #require(fleet.agents.first)
            let engines = ProcessTable.descendants(of: agent.pid)
            try #require(engines.count >= 2, "expected an engine guard and llama-server under the agent")
            agent.kill()
            let deadline = ContinuousClock.now + .seconds(10)
            while !ProcessTable.alive(engines).isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(ProcessTable.alive(engines).isEmpty, "engine processes outlived the agent")
        }
    }
}
