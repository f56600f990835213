import HTTPTypes
import NIOHTTP1

/// Header handling for proxying between a client, the router, an agent and an engine.
///
/// Hop-by-hop headers belong to one connection and are never forwarded; `host` and
/// `content-length` are set by the HTTP client for the new request. Credentials are not
/// forwarded either (`authorization`, `x-api-key` where Anthropic's clients put their key, and
/// `cookie`, such as the dashboard's session): each hop presents its own.
public enum HopByHopHeaders {
    /// Lower-cased names of headers that are never copied from one hop to the next.
    public static let names: Set<String> = [
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "host", "content-length", "authorization", "x-api-key", "cookie", "accept-encoding",
    ]

    /// The end-to-end headers of an incoming request, in the HTTP client's form.
    public static func forwardable(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for field in fields where !names.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    /// The end-to-end headers of an upstream response, in the server's form.
    public static func forwardable(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name), !names.contains(fieldName.canonicalName) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }
}
