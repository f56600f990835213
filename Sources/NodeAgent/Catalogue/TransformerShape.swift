/// The sizes of a transformer that decide its memory beyond the weights: the KV cache (layers ×
/// KV heads × key and value length per token) and the compute buffers (vocabulary and width),
/// read from a GGUF header (`{arch}.block_count`, `{arch}.attention.head_count_kv`, …).
struct TransformerShape: Sendable, Equatable {
    var layers: Int
    /// Key/value heads per layer (grouped-query attention shares them among query heads).
    var kvHeads: Int
    /// Elements per head in a key and in a value.
    var keyLength: Int
    var valueLength: Int
    /// The hidden width.
    var embeddingLength: Int
    /// Tokens in the vocabulary (the logits row), when known.
    var vocabularySize: Int?
    /// Encoder-only models (BERT family) keep no KV cache in llama.cpp.
    var encoderOnly: Bool

    init(layers: Int, kvHeads: Int, keyLength: Int, valueLength: Int, embeddingLength: Int, vocabularySize: Int?, encoderOnly: Bool) {
        self.layers = layers
        self.kvHeads = kvHeads
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.embeddingLength = embeddingLength
        self.vocabularySize = vocabularySize
        self.encoderOnly = encoderOnly
    }

    /// The shape from header values (`value(key)`); nil when layers, heads or width are missing
    /// or implausible (a header is untrusted input: no real model comes near these bounds, and
    /// within them no estimate overflows). A per-layer head-count array is read as the query
    /// head count, an upper bound.
    init?(architecture: String, encoderOnly: Bool, value: (String) -> GGUFReader.Scalar?) {
        let prefix = architecture + "."
        func plausible(_ key: String, upTo limit: Int) -> Int? {
            value(prefix + key)?.integer.flatMap { (1...limit).contains($0) ? $0 : nil }
        }
        guard let layers = plausible("block_count", upTo: 100_000),
            let width = plausible("embedding_length", upTo: 10_000_000),
            let heads = plausible("attention.head_count", upTo: 1_000_000)
        else { return nil }
        let headLength = max(1, width / heads)
        let tokens: Int? = if case .array(let count)? = value("tokenizer.ggml.tokens") { count } else { nil }
        let vocabulary = (tokens ?? value(prefix + "vocab_size")?.integer).flatMap { (1...100_000_000).contains($0) ? $0 : nil }
        guard let kvHeads = value(prefix + "attention.head_count_kv") == nil ? heads : plausible("attention.head_count_kv", upTo: 1_000_000),
            let keyLength = value(prefix + "attention.key_length") == nil ? headLength : plausible("attention.key_length", upTo: 1_000_000),
            let valueLength = value(prefix + "attention.value_length") == nil ? headLength : plausible("attention.value_length", upTo: 1_000_000)
        else { return nil }
        self.init(
            layers: layers,
            kvHeads: kvHeads,
            keyLength: keyLength,
            valueLength: valueLength,
            embeddingLength: width,
            vocabularySize: vocabulary,
            encoderOnly: encoderOnly
        )
    }

    /// Bytes of KV cache per token of context, at `bytesPerElement` (2 for llama.cpp's default f16).
    func kvBytesPerToken(bytesPerElement: Int = 2) -> Int64 {
        guard !encoderOnly else { return 0 }
        return Int64(layers) * Int64(kvHeads) * Int64(keyLength + valueLength) * Int64(bytesPerElement)
    }
}
