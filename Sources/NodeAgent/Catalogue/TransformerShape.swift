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

    /// The shape from header values (`value(key)`); nil when layers, heads or width are missing.
    /// A per-layer head-count array is read as the query head count, an upper bound.
    init?(architecture: String, encoderOnly: Bool, value: (String) -> GGUFReader.Scalar?) {
        let prefix = architecture + "."
        guard let layers = value(prefix + "block_count")?.integer, layers > 0,
            let width = value(prefix + "embedding_length")?.integer, width > 0,
            let heads = value(prefix + "attention.head_count")?.integer, heads > 0
        else { return nil }
        let kvHeads = value(prefix + "attention.head_count_kv")?.integer ?? heads
        let headLength = width / heads
        var vocabulary: Int?
        if case .array(let count)? = value("tokenizer.ggml.tokens") { vocabulary = count }
        self.init(
            layers: layers,
            kvHeads: kvHeads,
            keyLength: value(prefix + "attention.key_length")?.integer ?? headLength,
            valueLength: value(prefix + "attention.value_length")?.integer ?? headLength,
            embeddingLength: width,
            vocabularySize: vocabulary ?? value(prefix + "vocab_size")?.integer,
            encoderOnly: encoderOnly
        )
    }

    /// Bytes of KV cache per token of context, at `bytesPerElement` (2 for llama.cpp's default f16).
    func kvBytesPerToken(bytesPerElement: Int = 2) -> Int64 {
        guard !encoderOnly else { return 0 }
        return Int64(layers) * Int64(kvHeads) * Int64(keyLength + valueLength) * Int64(bytesPerElement)
    }
}
