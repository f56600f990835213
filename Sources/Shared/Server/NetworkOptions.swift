import ArgumentParser
import Logging
import NIOCore
import NIOSSL

/// The command-line options both servers share for their network side: HTTPS for the server
/// (`--tls-cert`, `--tls-key`), the CA trusted for outgoing HTTPS (`--ca-file`), and the
/// connection limits of ``ServerLimits``.
public struct NetworkOptions: ParsableArguments {
    @Option(help: "PEM certificate (and intermediates) to serve HTTPS with; needs --tls-key. SIGHUP reloads both files.")
    public var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert (unencrypted).")
    public var tlsKey: String?

    @Option(help: "PEM file of CA certificates trusted for outgoing HTTPS, besides the system's (e.g. a private CA).")
    public var caFile: String?

    @Option(help: "Connections open at once; one more is answered 503 too_many_connections.")
    public var maxConnections = ServerLimits().maxConnections

    @Option(help: "Seconds a connection has to send a complete request head, after opening or after its last answer.")
    public var headTimeout = Double(ServerLimits().headTimeout.nanoseconds) / 1e9

    @Option(help: "Seconds a request has to send its whole body.")
    public var bodyTimeout = Double(ServerLimits().bodyTimeout.nanoseconds) / 1e9

    @Option(
        help: """
            On SIGTERM, seconds health answers 503 while connections are still accepted, for a load balancer \
            (and, for an agent, the router) to notice (default: router 0, agent 2).
            """
    )
    public var drainDelay: Double?

    @Option(help: "On SIGTERM, seconds requests and streams in flight get to finish before they are cut.")
    public var drainTimeout = 30.0

    public init() {}

    public func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        let day = 86_400.0
        guard (0.001...day).contains(headTimeout), (0.001...day).contains(bodyTimeout) else {
            throw ValidationError("--head-timeout and --body-timeout must be between 0.001 and 86400 seconds")
        }
        guard (0...day).contains(drainDelay ?? 0), (0.001...day).contains(drainTimeout), drainTimeout > drainDelay ?? 0 else {
            throw ValidationError("--drain-delay and --drain-timeout must be between 0 and 86400 seconds, the timeout longer than the delay")
        }
    }

    /// Raises the open-file limit as far as allowed and warns when `--max-connections` could
    /// not be served within it (each proxied connection needs two descriptors).
    public func prepareDescriptors(logger: Logger) {
        let available = OpenFileLimit.raiseToHardLimit()
        if maxConnections > (available - 64) / 2 {
            logger.warning(
                "the open-file limit (\(available)) allows about \((available - 64) / 2) proxied connections, below --max-connections \(maxConnections): raise it (ulimit -n)"
            )
        }
    }

    /// How the server stops on SIGTERM, with `defaultDelay` seconds unless `--drain-delay` says.
    public func drain(defaultDelay: Double) -> DrainSettings {
        var drain = DrainSettings()
        drain.delay = .milliseconds(Int64((drainDelay ?? min(defaultDelay, drainTimeout / 2)) * 1000))
        drain.timeout = .milliseconds(Int64(drainTimeout * 1000))
        return drain
    }

    /// The connection limits the options ask for.
    public var limits: ServerLimits {
        var limits = ServerLimits()
        limits.maxConnections = maxConnections
        limits.headTimeout = .nanoseconds(Int64(headTimeout * 1e9))
        limits.bodyTimeout = .nanoseconds(Int64(bodyTimeout * 1e9))
        return limits
    }

    /// The server's certificate, when HTTPS is asked for.
    /// - Throws: ``TLSFileError`` for a file that cannot be used.
    public func certificate() throws -> ServerCertificate? {
        guard let tlsCert, let tlsKey else { return nil }
        return try ServerCertificate(files: .init(certificate: tlsCert, key: tlsKey))
    }

    /// How outgoing HTTPS connections verify their peer: the system's trust roots, and the
    /// certificates of `--ca-file`. Names (or addresses) are always checked.
    /// - Throws: ``TLSFileError`` when the CA file holds no readable certificate.
    public func clientTLS() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        guard let caFile else { return configuration }
        let authorities = (try? NIOSSLCertificate.fromPEMFile(caFile)) ?? []
        guard !authorities.isEmpty else { throw TLSFileError(path: caFile, problem: "holds no readable PEM certificate") }
        configuration.additionalTrustRoots = [.certificates(authorities)]
        return configuration
    }
}
