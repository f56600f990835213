/// Where one upstream request goes, read from an absolute URL such as
/// `http://10.0.0.5:8801/v1/chat/completions`: the endpoint (scheme, host, port) that pooled
/// connections are kept for, and the path sent in the request line.
struct UpstreamTarget: Sendable {
    /// The server a connection is opened to (connections are pooled per endpoint).
    struct Endpoint: Hashable, Sendable {
        /// The host name or address, without the brackets of an IPv6 literal.
        var host: String
        var port: Int
        /// Whether the connection speaks TLS (`https`).
        var tls: Bool
        /// The `Host` header's value, as the URL spelt it.
        var authority: String
    }

    var endpoint: Endpoint
    /// The path and query, starting with `/` (no fragment).
    var path: String

    /// Reads an `http://` or `https://` URL (the scheme in any case) with a host, an optional
    /// port, path and query; `nil` for anything else (user info included: credentials never
    /// travel in a URL here). Works on the URL's bytes in place (it runs for every forwarded
    /// request).
    init?(url: String) {
        var url = url
        guard let (endpoint, path) = url.withUTF8({ Self.parse($0) }) else { return nil }
        (self.endpoint, self.path) = (endpoint, path)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (Endpoint, path: String)? {
        let tls: Bool
        if bytes.starts(withCaseInsensitive: "http://") {
            tls = false
        } else if bytes.starts(withCaseInsensitive: "https://") {
            tls = true
        } else {
            return nil
        }
        let start = tls ? 8 : 7
        let end = bytes[start...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
        let authority = bytes[start..<end]
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "@")) else { return nil }
        var host = authority
        var portDigits: Slice<UnsafeBufferPointer<UInt8>>?
        if authority.first == UInt8(ascii: "[") {
            // An IPv6 literal: `[::1]` or `[::1]:8801`.
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = bytes[(start + 1)..<close]
            let after = bytes[(close + 1)..<end]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return nil }
                portDigits = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            host = bytes[start..<colon]
            portDigits = bytes[(colon + 1)..<end]
        }
        var port = tls ? 443 : 80
        if let portDigits {
            guard (1...5).contains(portDigits.count), portDigits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                return nil
            }
            port = portDigits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        let fragment = bytes[end...].firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        let rest = String(decoding: bytes[end..<fragment], as: UTF8.self)
        let endpoint = Endpoint(
            host: String(decoding: host, as: UTF8.self),
            port: port,
            tls: tls,
            authority: String(decoding: authority, as: UTF8.self)
        )
        return (endpoint, rest.utf8.first == UInt8(ascii: "/") ? rest : "/" + rest)
    }
}
