extension RoutingFieldsScanner {
    /// Reads a string (its opening quote is next), checking its escapes and its UTF-8.
    /// - Parameter decoding: Whether to return the string's value (else `nil`: it is skipped).
    mutating func string(decoding: Bool) throws(Failure) -> String? {
        index += 1
        let start = index
        var escaped = false
        var ascii = true
        while true {
            guard let byte = peek else { throw .invalidJSON }
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw .invalidJSON }  // control characters must be escaped
            if byte == UInt8(ascii: "\\") {
                escaped = true
                try skipEscape()
                continue
            }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        // Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the string is.
        if !ascii, String(validating: raw, as: UTF8.self) == nil { throw .invalidJSON }
        guard decoding else { return nil }
        return escaped ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    /// Steps over one escape sequence (its backslash is next).
    private mutating func skipEscape() throws(Failure) {
        index += 1
        guard let byte = peek else { throw .invalidJSON }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 1
        case UInt8(ascii: "u"):
            guard Self.hex(bytes, at: index + 1) != nil else { throw .invalidJSON }
            index += 5
        default:
            throw .invalidJSON
        }
    }

    /// The four hexadecimal digits at `offset`, if they are there.
    private static func hex(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[offset..<(offset + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A checked string's value, its escapes resolved.
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var offset = 0
        while offset < raw.count {
            let byte = raw[offset]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                offset += 1
                continue
            }
            let kind = raw[offset + 1]
            offset += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var value = hex(raw, at: offset)!
                offset += 4
                // A surrogate pair is one character; a lone surrogate (valid JSON, but no
                // character) becomes U+FFFD, as most decoders make it.
                if (0xD800...0xDBFF).contains(value), offset + 6 <= raw.count, raw[offset] == UInt8(ascii: "\\"),
                    raw[offset + 1] == UInt8(ascii: "u"), let low = hex(raw, at: offset + 2), (0xDC00...0xDFFF).contains(low)
                {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    offset += 6
                }
                UTF8.encode(Unicode.Scalar(value) ?? "\u{FFFD}") { out.append($0) }
            default: out.append(kind)  // `"`, `\` and `/` stand for themselves
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
