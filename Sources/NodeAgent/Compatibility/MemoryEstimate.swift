/// What serving a model takes in device memory (RAM on the CPU), in parts: the weights, the KV
/// cache for the context the agent configures (all slots), and an allowance for the engine's
/// compute buffers. Shown per model in `GET /v0/models`.
///
/// KV cache = context tokens × layers × KV heads × (key + value length) × 2 bytes (llama.cpp's
/// default f16 cache); encoder-only models keep none. Compute allowance = 32 MiB + one
/// micro-batch (512 tokens; a whole sequence for embedding models) × (vocabulary + 4 × width)
/// × 4 bytes, which covers the logits and
/// the widest intermediate tensors (SmolLM2-135M on Vulkan used 14 MiB; the allowance says 133). Without those numbers in the header (non-GGUF files)
/// the estimate falls back to the weights plus 20 % and 128 MiB. A manifest's
/// `required_memory_bytes` replaces the total.
struct MemoryEstimate: Codable, Sendable, Equatable {
    var weightsBytes: Int64
    var kvCacheBytes: Int64
    var computeBytes: Int64
    /// Tokens of context the KV cache was sized for.
    var contextTokens: Int
    /// The manifest's figure, which wins over the parts.
    var declaredBytes: Int64?
    /// `gguf` (from the header's numbers), `weights` (a rule of thumb) or `manifest`.
    var basis: String

    enum CodingKeys: String, CodingKey {
        case basis
        case weightsBytes = "weights_bytes"
        case kvCacheBytes = "kv_cache_bytes"
        case computeBytes = "compute_bytes"
        case contextTokens = "context_tokens"
        case declaredBytes = "declared_bytes"
        case totalBytes = "total_bytes"
    }

    /// Everything together: what must fit.
    var totalBytes: Int64 { declaredBytes ?? weightsBytes + kvCacheBytes + computeBytes }

    /// Weights and compute buffers without the KV cache: what fits with a tiny context.
    var withoutKVCacheBytes: Int64 { weightsBytes + computeBytes }

    static let microBatchTokens: Int64 = 512

    /// A product that saturates at an exbibyte instead of trapping (sizes come from model
    /// headers, untrusted; such an estimate fits nowhere, and sums of a few stay in range).
    static func product(_ factors: Int64...) -> Int64 {
        let limit: Int64 = 1 << 60
        return factors.reduce(1) { total, factor in
            let (result, overflow) = total.multipliedReportingOverflow(by: factor)
            return overflow || result > limit ? limit : result
        }
    }

    /// The estimate for `model` served with `shape`.
    static func of(_ model: LocalModel, shape: ServingShape) -> MemoryEstimate {
        let context = shape.contextTokens(for: model)
        var estimate: MemoryEstimate
        if let transformer = model.shape {
            let vocabulary = Int64(transformer.vocabularySize ?? 32_000)
            let width = Int64(transformer.embeddingLength)
            // Embedding engines take a whole sequence per micro-batch (EngineSettings).
            let microBatch = model.kind.isEncoder ? max(microBatchTokens, Int64(shape.contextPerSlot(for: model))) : microBatchTokens
            estimate = MemoryEstimate(
                weightsBytes: model.sizeBytes,
                kvCacheBytes: Self.product(Int64(context), transformer.kvBytesPerToken()),
                computeBytes: (32 << 20) + Self.product(microBatch, vocabulary + 4 * width, 4),
                contextTokens: context,
                basis: "gguf"
            )
        } else {
            estimate = MemoryEstimate(
                weightsBytes: model.sizeBytes,
                kvCacheBytes: 0,
                computeBytes: model.sizeBytes / 5 + (128 << 20),
                contextTokens: context,
                basis: "weights"
            )
        }
        if let declared = model.declaredMemoryBytes {
            estimate.declaredBytes = declared
            estimate.basis = "manifest"
        }
        return estimate
    }

    init(weightsBytes: Int64, kvCacheBytes: Int64, computeBytes: Int64, contextTokens: Int, declaredBytes: Int64? = nil, basis: String) {
        self.weightsBytes = weightsBytes
        self.kvCacheBytes = kvCacheBytes
        self.computeBytes = computeBytes
        self.contextTokens = contextTokens
        self.declaredBytes = declaredBytes
        self.basis = basis
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            weightsBytes: try container.decode(Int64.self, forKey: .weightsBytes),
            kvCacheBytes: try container.decode(Int64.self, forKey: .kvCacheBytes),
            computeBytes: try container.decode(Int64.self, forKey: .computeBytes),
            contextTokens: try container.decode(Int.self, forKey: .contextTokens),
            declaredBytes: try container.decodeIfPresent(Int64.self, forKey: .declaredBytes),
            basis: try container.decode(String.self, forKey: .basis)
        )
    }

    /// Writes the parts and the total (`total_bytes`), which is derived and not read back.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(weightsBytes, forKey: .weightsBytes)
        try container.encode(kvCacheBytes, forKey: .kvCacheBytes)
        try container.encode(computeBytes, forKey: .computeBytes)
        try container.encode(contextTokens, forKey: .contextTokens)
        try container.encodeIfPresent(declaredBytes, forKey: .declaredBytes)
        try container.encode(totalBytes, forKey: .totalBytes)
        try container.encode(basis, forKey: .basis)
    }
}
