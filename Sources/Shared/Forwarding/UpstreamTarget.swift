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
    /// The path and query, starting with `/`.
    var path: Substring

    /// Reads an `http://` or `https://` URL with a host, an optional port and an optional path;
    /// `nil` for anything else (user info included: credentials never travel in a URL here).
    init?(url: String) {
        let tls: Bool
        let rest: Substring
        if url.hasPrefix("http://") {
            (tls, rest) = (false, url.dropFirst(7))
        } else if url.hasPrefix("https://") {
            (tls, rest) = (true, url.dropFirst(8))
        } else {
            return nil
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = authority
        var port = tls ? 443 : 80
        if authority.hasPrefix("[") {
            // An IPv6 literal: `[::1]` or `[::1]:8801`.
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let value = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = value
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.endpoint = Endpoint(host: String(host), port: port, tls: tls, authority: authority)
        self.path = slash == rest.endIndex ? "/" : rest[slash...]
    }
}
