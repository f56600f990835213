import Foundation

/// Reads one field of a `multipart/form-data` body (RFC 7578) in place: how the routing fields
/// of an audio transcription request, whose body is the audio file and a few form fields, are
/// found without copying or decoding the file. One forward pass over the parts, stopping at the
/// field; the body itself is forwarded unchanged.
struct MultipartFormReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// `--` and the boundary: what starts every part.
    let delimiter: [UInt8]

    /// A reader for a body sent with `contentType`; nil when it is not `multipart/form-data`
    /// with a boundary.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, contentType: String?) {
        guard let contentType, let boundary = Self.boundary(in: contentType) else { return nil }
        self.bytes = bytes
        self.delimiter = Array("--\(boundary)".utf8)
    }

    /// The boundary parameter of a `multipart/form-data` content type (quoted or not).
    static func boundary(in contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// The value of the first text field called `name`; nil when there is none or the body is
    /// not well-formed up to it.
    func value(of name: String) -> String? {
        guard var start = find(delimiter, from: 0) else { return nil }
        let wanted = Array("name=\"\(name)\"".utf8)
        while true {
            start += delimiter.count
            // The closing delimiter is followed by `--`; any other is followed by CRLF.
            guard start + 2 <= bytes.count, bytes[start] == 0x0D, bytes[start + 1] == 0x0A else { return nil }
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], from: start + 2) else { return nil }
            let contentStart = headersEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, from: contentStart) else { return nil }
            if names(wanted, inHeadersFrom: start + 2, to: headersEnd) {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<next]), as: UTF8.self)
            }
            start = next + 2
        }
    }

    /// Whether the part's headers (between `from` and `to`) give it the name `wanted`
    /// (`name="…"`, not `filename="…"`).
    private func names(_ wanted: [UInt8], inHeadersFrom from: Int, to end: Int) -> Bool {
        var index = from
        while let found = find(wanted, from: index, before: end) {
            let before = found > 0 ? bytes[found - 1] : 0x20
            if before == UInt8(ascii: ";") || before == UInt8(ascii: " ") || before == 0x09 { return true }
            index = found + 1
        }
        return false
    }

    /// The first position at or after `from` where `needle` occurs whole before `end` (the
    /// body's end by default): bounded, so no search rescans the rest of a large body.
    private func find(_ needle: [UInt8], from: Int, before end: Int? = nil) -> Int? {
        let end = min(end ?? bytes.count, bytes.count)
        guard let first = needle.first, needle.count <= end else { return nil }
        var index = from
        let last = end - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = 1
                while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
