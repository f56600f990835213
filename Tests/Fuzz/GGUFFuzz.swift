import Foundation

/// libFuzzer target `gguf`: the agent's GGUF header reader over any bytes (a model file is
/// untrusted input), then the KV-cache size it derives. It must never crash, hang or allocate
/// without bound. Built by `scripts/fuzz.sh`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let metadata = try? GGUFMetadata(data: Data(bytes: data, count: size))
    _ = metadata?.shape?.kvBytesPerToken()
    _ = metadata?.isReranker
    return 0
}
