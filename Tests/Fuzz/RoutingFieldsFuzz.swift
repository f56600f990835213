/// libFuzzer target `routing-fields`: the router's and the agent's single-pass JSON scanner
/// (`RoutingFieldsScanner`) over any bytes, as a request body. It must never crash, hang or
/// read out of bounds; whatever it answers, it answers. Built by `scripts/fuzz.sh`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? RoutingFieldsScanner.scan(UnsafeBufferPointer(start: data, count: size))
    return 0
}
