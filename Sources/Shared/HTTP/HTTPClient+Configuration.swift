import AsyncHTTPClient
import NIOCore
import NIOSSL

extension HTTPClient.Configuration {
    /// The client configuration for talking to agents and engines outside the forwarding path
    /// (model lists, health checks, admin pass-through; ``UpstreamClient`` forwards inference):
    /// quick connect failure, a long read timeout, and no redirects. Idle pooled connections are
    /// dropped after 3 s, before llama-server's own 5 s keep-alive timeout closes them under us.
    public static var switchyardUpstream: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(300)),
            connectionPool: .init(idleTimeout: .seconds(3))
        )
        configuration.decompression = .disabled
        // A refused connection fails the request at once (the router tries the next node)
        // instead of being retried with backoff until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // No spans: nothing consumes them, and filling in their attributes costs every request.
        configuration.tracing.tracer = nil
        return configuration
    }
}

extension HTTPClient.Configuration {
    /// The client configuration for the model hub: redirects followed (file downloads go to a
    /// CDN; `Authorization` is dropped when a redirect leaves the hub's origin), generous
    /// timeouts for slow links, transparent decompression off so byte counts stay exact, and an
    /// unreachable hub reported at once rather than after the connect timeout.
    public static var switchyardHub: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .seconds(10), read: .seconds(60))
        )
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

extension HTTPClient.Configuration {
    /// The same configuration, verifying HTTPS peers with `tls` (`--ca-file`'s roots added to
    /// the system's).
    public func verifying(with tls: TLSConfiguration) -> HTTPClient.Configuration {
        var configuration = self
        configuration.tlsConfiguration = tls
        return configuration
    }
}
