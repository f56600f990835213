/// Where one upstream request goes, read from an absolute URL such as
/// `http://10.0.0.5:8801/v1/chat/completions`: the endpoint (scheme, host, port) that pooled
/// connections are kept for, and the path sent in the request line.
struct UpstreamTarget: Sendable {
    /// The server a connection is opened to (connections are pooled per endpoint).
    struct Endpoint: Hashable, Sendable {
        /// The host name or address, without the brackets of an IPv6 literal.
        var host: String
        /// The TCP port.
        var port: Int
        /// Whether the connection speaks TLS (`https`).
        var tls: Bool
        /// The `Host` header's value, as the URL spelt it.
        var authority: Substring
    }

    /// The connection's endpoint.
    var endpoint: Endpoint
    /// The path and query, starting with `/` (no fragment).
    var path: String

    /// Reads an `http://` or `https://` URL (the scheme in any case) with a host, an optional
    /// port, path and query; `nil` for anything else (user info included: credentials never
    /// travel in a URL here). Works on the URL's bytes (it runs for every forwarded request).
    init?(url: String) {
        let bytes = url.utf8
        let tls: Bool
        if Self.starts(bytes, with: "http://") {
            tls = false
        } else if Self.starts(bytes, with: "https://") {
            tls = true
        } else {
            return nil
        }
        let start = bytes.index(bytes.startIndex, offsetBy: tls ? 8 : 7)
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        let authority = url[start..<end]
        guard !authority.isEmpty, !authority.utf8.contains(UInt8(ascii: "@")) else { return nil }
        var host = authority
        var port = tls ? 443 : 80
        var portText: Substring?
        if authority.utf8.first == UInt8(ascii: "[") {
            // An IPv6 literal: `[::1]` or `[::1]:8801`.
            guard let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[authority.utf8.index(after: authority.startIndex)..<close]
            let after = authority[authority.utf8.index(after: close)...]
            if !after.isEmpty {
                guard after.utf8.first == UInt8(ascii: ":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
            portText = authority[authority.utf8.index(after: colon)...]
        }
        if let portText {
            guard let value = Int(portText) else { return nil }
            port = value
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.endpoint = Endpoint(host: String(host), port: port, tls: tls, authority: authority)
        let rest = url[end...].prefix { $0 != "#" }
        self.path = rest.utf8.first == UInt8(ascii: "/") ? String(rest) : "/" + rest
    }

    /// Whether `bytes` starts with the lower-case ASCII `prefix`, in any case.
    private static func starts(_ bytes: String.UTF8View, with prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { prefix in
            bytes.count >= prefix.count
                && zip(bytes, prefix).allSatisfy { byte, expected in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(expected) ? byte | 0x20 == expected : byte == expected
                }
        }
    }
}
