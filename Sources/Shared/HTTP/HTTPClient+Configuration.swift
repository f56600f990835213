import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// The client configuration for talking to agents and engines: quick connect failure (so
    /// failover is fast), a long read timeout (the longest silence inside a stream), a pool large
    /// enough for many concurrent streams per node, and no redirects.
    public static var switchyardUpstream: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(300)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        )
        configuration.decompression = .disabled
        return configuration
    }
}
