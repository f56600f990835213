/// libFuzzer target `multipart`: the multipart form reader that finds an audio request's
/// `model` field. The input's first line is the `Content-Type` header (so the fuzzer varies
/// the boundary too), the rest the body. Built by `scripts/fuzz.sh`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let newline = bytes.firstIndex(of: 0x0A) ?? size
    let contentType = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
    let body = UnsafeBufferPointer(rebasing: bytes[min(size, newline + 1)...])
    _ = MultipartFormReader(body, contentType: contentType)?.value(of: "model")
    return 0
}
