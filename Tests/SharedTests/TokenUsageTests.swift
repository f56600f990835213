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
}
