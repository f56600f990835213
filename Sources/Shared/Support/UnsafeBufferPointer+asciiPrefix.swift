extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes start with the ASCII `prefix` (written in lower case), its letters in
    /// either case: `http://`, `Bearer `.
    func starts(withCaseInsensitive prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in
            count >= prefix.count
                && zip(self, prefix).allSatisfy { byte, expected in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(expected) ? byte | 0x20 == expected : byte == expected
                }
        }
    }
}
