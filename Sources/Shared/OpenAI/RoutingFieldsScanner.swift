/// Reads the top-level `model` and `stream` members of a JSON body, and the conversation keys
/// `prompt_cache_key` and `user` (strings; another type is the engine's business), in one pass
/// over its bytes,
/// checking that the whole body is valid JSON (RFC 8259) but building nothing for the rest of
/// it (the messages, which can be large). It runs for every request on both hops; Foundation's
/// decoder builds a map of the whole document and a dictionary of each object's keys first.
///
/// Strict where the grammar is: control characters in strings, malformed numbers and escapes,
/// invalid UTF-8 and trailing bytes are errors. A leading byte-order mark is ignored, and a lone
/// surrogate escape (valid JSON, but no character) reads as U+FFFD. Of a member given twice,
/// the last counts. Nesting deeper than 512 levels is refused.
struct RoutingFieldsScanner {
    /// Why a body cannot be routed.
    enum Failure: Error, Equatable {
        /// Not valid JSON.
        case invalidJSON
        /// Valid JSON, but not an object.
        case notAnObject
        /// `model` is there but neither a string nor `null`.
        case modelNotAString
        /// `stream` is there but neither a boolean nor `null`.
        case streamNotABoolean
    }

    /// What a member held: absent (or `null`), a value of the expected type, or another type.
    private enum Member<Value> {
        case absent
        case value(Value)
        case wrongType

        /// The value (`nil` when absent); `failure` for another type.
        func value(else failure: Failure) throws(Failure) -> Value? {
            switch self {
            case .absent: return nil
            case .value(let value): return value
            case .wrongType: throw failure
            }
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// Where reading has got to.
    var index = 0
    static let maxDepth = 512

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// What the scan read: each `nil` when absent or `null`.
    struct Fields {
        var model: String?
        var stream: Bool?
        /// `prompt_cache_key`, else `user`: what keeps a conversation on one node.
        var session: String?
        /// Where the body's `messages`, `prompt` or `input` value starts, its first
        /// ``prefixLength`` bytes at most: the start of the prompt, which later turns repeat.
        var prefix: Range<Int>?
        /// Whether the body has a `messages` array (Anthropic's Messages API requires one).
        var hasMessages = false
    }

    /// How much of the prompt's start ``Fields/prefix`` covers.
    static let prefixLength = 2048

    /// The body's routing members.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Fields {
        var scanner = RoutingFieldsScanner(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.index = 3 }
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else {
            try scanner.skipValue(depth: 0)
            try scanner.expectEnd()
            throw .notAnObject
        }
        var model = Member<String>.absent
        var stream = Member<Bool>.absent
        var promptCacheKey: String?
        var user: String?
        var prefix: Range<Int>?
        var hasMessages = false
        try scanner.members(depth: 1) { scanner, key throws(Failure) in
            switch key {
            case .model:
                if scanner.peek == UInt8(ascii: "\"") {
                    model = .value(try scanner.string(decoding: true) ?? "")
                } else {
                    model = try scanner.skipNullOrValue() ? .absent : .wrongType
                }
            case .stream:
                switch scanner.peek {
                case UInt8(ascii: "t"):
                    try scanner.literal("true")
                    stream = .value(true)
                case UInt8(ascii: "f"):
                    try scanner.literal("false")
                    stream = .value(false)
                default: stream = try scanner.skipNullOrValue() ? .absent : .wrongType
                }
            case .promptCacheKey:
                promptCacheKey = try scanner.optionalString()
            case .user:
                user = try scanner.optionalString()
            case .prompt(let isMessages):
                hasMessages = hasMessages || (isMessages && scanner.peek == UInt8(ascii: "["))
                let start = scanner.index
                try scanner.skipValue(depth: 1)
                if prefix == nil { prefix = start..<min(scanner.index, start + Self.prefixLength) }
            case nil:
                try scanner.skipValue(depth: 1)
            }
        }
        try scanner.expectEnd()
        return Fields(
            model: try model.value(else: .modelNotAString),
            stream: try stream.value(else: .streamNotABoolean),
            session: promptCacheKey ?? user,
            prefix: prefix,
            hasMessages: hasMessages
        )
    }

    /// The members routing reads.
    private enum Key {
        case model, stream, promptCacheKey, user
        /// `messages` (true), `prompt` or `input`.
        case prompt(isMessages: Bool)

        init?(name: some Sequence<UInt8>) {
            switch true {
            case name.elementsEqual("model".utf8): self = .model
            case name.elementsEqual("stream".utf8): self = .stream
            case name.elementsEqual("prompt_cache_key".utf8): self = .promptCacheKey
            case name.elementsEqual("user".utf8): self = .user
            case name.elementsEqual("messages".utf8): self = .prompt(isMessages: true)
            case name.elementsEqual("prompt".utf8), name.elementsEqual("input".utf8): self = .prompt(isMessages: false)
            default: return nil
            }
        }
    }

    /// A string value, or nil for any other value (skipped).
    private mutating func optionalString() throws(Failure) -> String? {
        guard peek == UInt8(ascii: "\"") else {
            try skipValue(depth: 1)
            return nil
        }
        return try string(decoding: true)
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek == byte else { throw .invalidJSON }
        index += 1
    }

    private mutating func expectEnd() throws(Failure) {
        skipWhitespace()
        guard index == bytes.count else { throw .invalidJSON }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let matches = word.withUTF8Buffer { word in
            bytes.count - index >= word.count && UnsafeBufferPointer(rebasing: bytes[index..<(index + word.count)]).elementsEqual(word)
        }
        guard matches else { throw .invalidJSON }
        index += word.utf8CodeUnitCount
    }

    /// Skips a value; true when it was `null`.
    private mutating func skipNullOrValue() throws(Failure) -> Bool {
        if peek == UInt8(ascii: "n") {
            try literal("null")
            return true
        }
        try skipValue(depth: 1)
        return false
    }

    /// Reads an object's members (the opening brace is next), calling `member` with the scanner
    /// at each value (after the colon and any whitespace) and the key if routing reads it.
    private mutating func members(
        depth: Int,
        _ member: (inout RoutingFieldsScanner, Key?) throws(Failure) -> Void
    ) throws(Failure) {
        try elements(from: UInt8(ascii: "{"), to: UInt8(ascii: "}")) { scanner throws(Failure) in
            guard scanner.peek == UInt8(ascii: "\"") else { throw .invalidJSON }
            let keyStart = scanner.index + 1
            _ = try scanner.string(decoding: false)
            let key = depth == 1 ? Self.key(scanner.bytes[keyStart..<(scanner.index - 1)]) : nil
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipWhitespace()
            try member(&scanner, key)
        }
    }

    /// Reads a comma-separated sequence between `open` (next) and `close`, calling `element`
    /// with the scanner at each element (after any whitespace): an object's members, an array's
    /// values.
    private mutating func elements(
        from open: UInt8,
        to close: UInt8,
        _ element: (inout RoutingFieldsScanner) throws(Failure) -> Void
    ) throws(Failure) {
        try expect(open)
        skipWhitespace()
        if peek == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            if peek == close {
                index += 1
                return
            }
            try expect(UInt8(ascii: ","))
        }
    }

    /// Which routing member a key names (its raw bytes, between the quotes).
    private static func key(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> Key? {
        if raw.contains(UInt8(ascii: "\\")) {
            // An escaped key, such as `"mod\u0065l"`, names the member it decodes to.
            var copy = RoutingFieldsScanner(UnsafeBufferPointer(rebasing: raw.base[(raw.startIndex - 1)..<(raw.endIndex + 1)]))
            guard let name = try? copy.string(decoding: true) else { return nil }
            return Key(name: name.utf8)
        }
        return Key(name: raw)
    }

    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth <= Self.maxDepth, let byte = peek else { throw .invalidJSON }
        switch byte {
        case UInt8(ascii: "{"):
            try members(depth: depth + 1) { scanner, _ throws(Failure) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try elements(from: UInt8(ascii: "["), to: UInt8(ascii: "]")) { scanner throws(Failure) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try string(decoding: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func number() throws(Failure) {
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits()
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    /// One or more decimal digits.
    private mutating func digits() throws(Failure) {
        let start = index
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        guard index > start else { throw .invalidJSON }
    }
}
