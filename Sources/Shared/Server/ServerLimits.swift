import NIOCore

/// What one client may ask of a server's connections: the sizes a request head may reach, how
/// long a connection may take to send one, and how many connections are open at once. Both
/// servers (router and agent) apply them to every connection, before any handler runs.
///
/// The defaults follow nginx's spirit: generous for real clients (SDKs send a few hundred bytes
/// of headers), small enough that a hostile client cannot hold much memory or many connections.
public struct ServerLimits: Sendable, Equatable {
    /// The longest request line (the URL counts) and the longest single header field.
    public var maxHeaderFieldBytes = 16 * 1024
    /// All header fields of one request together, request line included.
    public var maxHeaderBytes = 64 * 1024
    /// Header fields in one request.
    public var maxHeaderCount = 100
    /// Time a connection has to deliver a complete request head, counted from its opening or
    /// from the end of its previous answer: it bounds idle keep-alive connections and clients
    /// that send a head a byte at a time alike.
    public var headTimeout = TimeAmount.seconds(60)
    /// Time a request has to deliver its whole body once its head arrived.
    public var bodyTimeout = TimeAmount.seconds(120)
    /// Connections open at once; one more is answered 503 `too_many_connections` and closed.
    public var maxConnections = 8192

    /// The defaults.
    public init() {}
}
