/// Why a request to an upstream got no usable answer, apart from the socket errors NIO reports
/// for the connection itself (refused, unreachable, reset).
public enum UpstreamError: Error, Equatable, Sendable {
    /// The URL is not an absolute `http` or `https` URL with a host.
    case invalidURL
    /// The connection closed before the response head arrived (or, for an answer already
    /// streaming, before its end).
    case connectionClosed
    /// A pooled connection failed before anything was answered: most likely the upstream had
    /// closed it while it was idle. The request is sent once more, on a new connection.
    case staleConnection
    /// No answer within the time allowed.
    case timedOut
    /// An answer being read whole ended before its `Content-Length`.
    case bodyBrokeOff
    /// The client was shut down.
    case shutDown
}
