import NIOCore
import Shared
import Testing

@Suite struct TokenUsageTests {
    @Test("usage objects and llama.cpp timings give the token counts; other bodies none")
    func findsCounts() {
        let plain = #"{"choices":[],"usage":{"completion_tokens":3,"prompt_tokens":31,"total_tokens":34}}"#
        #expect(TokenUsage.find(in: ByteBuffer(string: plain)) == TokenUsage(promptTokens: 31, completionTokens: 3))
        let stream =
            #"data: {"choices":[{"finish_reason":"length"}],"timings":{"cache_n":0,"prompt_n":31,"predicted_n":24}}"# + "\n\ndata: [DONE]\n\n"
        #expect(TokenUsage.find(in: ByteBuffer(string: stream)) == TokenUsage(promptTokens: 31, completionTokens: 24))
        let embedding = #"{"data":[],"usage":{"prompt_tokens":5,"total_tokens":5}}"#
        #expect(TokenUsage.find(in: ByteBuffer(string: embedding)) == TokenUsage(promptTokens: 5, completionTokens: nil))
        #expect(TokenUsage.find(in: ByteBuffer(string: #"{"error":{"message":"x"}}"#)) == nil)
    }

    @Test("a whole answer is searched from its end: the last counts win, spaces are allowed, a big body costs no more")
    func searchesTheTail() {
        let chunks = #"data: {"usage":{"prompt_tokens":1}}"# + "\n\n" + #"data: {"usage":{"prompt_tokens": 7,"completion_tokens": 9}}"#
        #expect(TokenUsage.find(in: ByteBuffer(string: chunks)) == TokenUsage(promptTokens: 7, completionTokens: 9))
        let vectors = String(repeating: "0.125,", count: 100_000)
        let embeddings = #"{"data":[{"embedding":["# + vectors + #"1]}],"usage":{"prompt_tokens":12,"total_tokens":12}}"#
        #expect(TokenUsage.find(in: ByteBuffer(string: embeddings)) == TokenUsage(promptTokens: 12, completionTokens: nil))
        #expect(TokenUsage.find(in: ByteBuffer(string: #"{"usage":{"prompt_tokens":"x"}}"#)) == nil)
        #expect(TokenUsage.find(in: ByteBuffer()) == nil)
    }
}
