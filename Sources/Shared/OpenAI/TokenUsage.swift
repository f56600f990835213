import Foundation
import NIOCore

/// Token counts of an answer, read from the end of its body: OpenAI's `usage` object
/// (`prompt_tokens`, `completion_tokens`), or llama.cpp's `timings` (`prompt_n`, `predicted_n`)
/// in the last chunk of a stream.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?

    public init(promptTokens: Int?, completionTokens: Int?) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// Finds the counts in the tail of a body (the last chunks); nil when there are none.
    public static func find(in tail: ByteBuffer) -> TokenUsage? {
        let text = String(buffer: tail)
        let usage = TokenUsage(
            promptTokens: number(after: "\"prompt_tokens\":", in: text) ?? number(after: "\"prompt_n\":", in: text),
            completionTokens: number(after: "\"completion_tokens\":", in: text) ?? number(after: "\"predicted_n\":", in: text)
        )
        return usage.promptTokens == nil && usage.completionTokens == nil ? nil : usage
    }

    private static func number(after key: String, in text: String) -> Int? {
        guard let range = text.range(of: key, options: .backwards) else { return nil }
        let digits = text[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
        return Int(digits)
    }
}
