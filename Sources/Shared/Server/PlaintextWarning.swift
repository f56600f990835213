import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Warns, once per peer, that a secret (the node token, an API key) is about to cross the
/// network in clear: the peer is reached over `http://` at an address that is not this host's
/// own loopback. The warning names the peer as the operator knows it (a node's name, "the
/// router"), never its address or the secret.
public final class PlaintextWarning: Sendable {
    private let warned = NIOLockedValueBox<Set<String>>([])

    public init() {}

    /// Logs the warning for `peer` the first time a secret named `secret` goes to `url` in clear.
    public func check(url: String, peer: String, secret: String, logger: Logger) {
        guard Self.isPlaintextOffHost(url) else { return }
        let isFirst = warned.withLockedValue { $0.insert(peer).inserted }
        if isFirst {
            logger.warning(
                "\(secret) is sent to \(peer) over plain HTTP across the network: serve it with --tls-cert/--tls-key and use an https URL"
            )
        }
    }

    /// Whether `url` is `http://` to a host other than loopback (`localhost`, 127.0.0.0/8, ::1).
    public static func isPlaintextOffHost(_ url: String) -> Bool {
        guard let target = UpstreamTarget(url: url), !target.endpoint.tls else { return false }
        let host = target.endpoint.host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") { return false }
        guard let address = try? SocketAddress(ipAddress: host, port: 0) else { return true }
        switch address.protocol {
        case .inet: return !host.hasPrefix("127.")
        default: return address != (try? SocketAddress(ipAddress: "::1", port: 0))
        }
    }
}
