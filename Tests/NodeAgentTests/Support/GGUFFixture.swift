import Foundation

/// Writes small but real GGUF files (version 3 header, typed key/values, no tensor data) for
/// catalogue tests.
struct GGUFFixture {
    enum Value {
        case string(String)
        case uint32(UInt32)
        case uint64(UInt64)
        case strings([String])
    }

    var entries: [(String, Value)]
    var tensorCount: UInt64 = 0

    /// The numbers that size a transformer's KV cache, as a GGUF header carries them.
    struct Shape {
        var layers: UInt32
        var width: UInt32
        var heads: UInt32
        var kvHeads: UInt32
    }

    /// SmolLM2-135M's numbers: 30 layers, width 576, 9 heads sharing 3 KV heads.
    static let smolLM2 = Shape(layers: 30, width: 576, heads: 9, kvHeads: 3)

    static func model(
        architecture: String,
        context: UInt32 = 2048,
        pooling: UInt32? = nil,
        name: String = "fixture",
        shape: Shape? = nil
    ) -> GGUFFixture {
        var entries: [(String, Value)] = [
            ("general.architecture", .string(architecture)),
            ("general.name", .string(name)),
            ("\(architecture).context_length", .uint32(context)),
            ("tokenizer.ggml.tokens", .strings(["<s>", "</s>", "hello", "world"])),
        ]
        if let pooling { entries.append(("\(architecture).pooling_type", .uint32(pooling))) }
        if let shape {
            entries += [
                ("\(architecture).block_count", .uint32(shape.layers)),
                ("\(architecture).embedding_length", .uint32(shape.width)),
                ("\(architecture).attention.head_count", .uint32(shape.heads)),
                ("\(architecture).attention.head_count_kv", .uint32(shape.kvHeads)),
            ]
        }
        return GGUFFixture(entries: entries)
    }

    var data: Data {
        var data = Data("GGUF".utf8)
        append(UInt32(3), to: &data)
        append(tensorCount, to: &data)
        append(UInt64(entries.count), to: &data)
        for (key, value) in entries {
            appendString(key, to: &data)
            switch value {
            case .string(let text):
                append(UInt32(8), to: &data)
                appendString(text, to: &data)
            case .uint32(let number):
                append(UInt32(4), to: &data)
                append(number, to: &data)
            case .uint64(let number):
                append(UInt32(10), to: &data)
                append(number, to: &data)
            case .strings(let texts):
                append(UInt32(9), to: &data)
                append(UInt32(8), to: &data)
                append(UInt64(texts.count), to: &data)
                for text in texts { appendString(text, to: &data) }
            }
        }
        return data
    }

    func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    private func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    private func appendString(_ text: String, to data: inout Data) {
        append(UInt64(text.utf8.count), to: &data)
        data.append(contentsOf: Array(text.utf8))
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-test-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
