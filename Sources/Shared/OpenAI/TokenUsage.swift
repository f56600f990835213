import NIOCore

/// Token counts of an answer, read from the end of its body: OpenAI's `usage` object
/// (`prompt_tokens`, `completion_tokens`; `input_tokens`, `output_tokens` in the Responses and
/// Anthropic Messages APIs), or llama.cpp's `timings` (`prompt_n`, `predicted_n`) in the last
/// chunk of a stream.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?

    public init(promptTokens: Int?, completionTokens: Int?) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// How far from the end of a body the counts are looked for. llama.cpp and OpenAI put
    /// `usage` (and `timings`) last, so a whole embeddings answer need not be scanned.
    static let searchedTail = 4096

    /// Finds the counts in the tail of a body (the last chunks, or a whole answer); nil when
    /// there are none.
    public static func find(in body: ByteBuffer) -> TokenUsage? {
        body.withUnsafeReadableBytes { buffer in
            let bytes = UnsafeRawBufferPointer(rebasing: buffer.suffix(searchedTail))
            let usage = TokenUsage(
                promptTokens: number(after: #""prompt_tokens":"#, in: bytes) ?? number(after: #""input_tokens":"#, in: bytes)
                    ?? number(after: #""prompt_n":"#, in: bytes),
                completionTokens: number(after: #""completion_tokens":"#, in: bytes) ?? number(after: #""output_tokens":"#, in: bytes)
                    ?? number(after: #""predicted_n":"#, in: bytes)
            )
            return usage.promptTokens == nil && usage.completionTokens == nil ? nil : usage
        }
    }

    /// The integer after the last occurrence of `key` (spaces allowed between them).
    private static func number(after key: StaticString, in bytes: UnsafeRawBufferPointer) -> Int? {
        key.withUTF8Buffer { key -> Int? in
            guard bytes.count >= key.count, let first = key.first else { return nil }
            var start = bytes.count - key.count
            while start >= 0 {
                if bytes[start] == first, (1..<key.count).allSatisfy({ bytes[start + $0] == key[$0] }) {
                    let digits = bytes[(start + key.count)...].drop { $0 == UInt8(ascii: " ") }.prefix { (0x30...0x39).contains($0) }.prefix(18)
                    return digits.isEmpty ? nil : digits.reduce(0) { $0 &* 10 &+ Int($1 - 0x30) }
                }
                start -= 1
            }
            return nil
        }
    }
}
