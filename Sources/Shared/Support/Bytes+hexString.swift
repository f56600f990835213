extension Sequence where Element == UInt8 {
    /// The bytes as lower-case hexadecimal.
    public var hexString: String {
        withContiguousStorageIfAvailable(hexadecimal) ?? Array(self).withUnsafeBufferPointer(hexadecimal)
    }
}

/// `bytes` as lower-case hexadecimal, written in place.
private func hexadecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let digits: StaticString = "0123456789abcdef"
    return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
        digits.withUTF8Buffer { digits in
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = digits[Int(byte >> 4)]
                text[2 * index + 1] = digits[Int(byte & 0x0f)]
            }
        }
        return bytes.count * 2
    }
}
