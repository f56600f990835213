import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

extension HTTPServerBuilder {
    /// HTTP/1.1, over TLS when `certificate` is given, with ``ServerLimits`` enforced on every
    /// connection (the parser's size limits, and a ``ClientGuard`` for deadlines and the
    /// connection cap) and a ``ConnectionCloseNotifier`` so handlers notice a client that leaves
    /// before its answer is complete.
    public static func switchyard(
        limits: ServerLimits = ServerLimits(),
        certificate: ServerCertificate? = nil,
        logger: Logger
    ) throws -> HTTPServerBuilder {
        let connections = Admission(limit: limits.maxConnections)
        let http = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ClientGuard(limits: limits, connections: connections, logger: logger), ConnectionCloseNotifier(),
                ],
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maxHeaderFieldBytes,
                    maxHeaderListSize: limits.maxHeaderBytes,
                    maxHeaderFieldCount: limits.maxHeaderCount
                )
            )
        )
        guard let certificate else { return http }
        return try .tls(http, tlsConfiguration: certificate.tlsConfiguration)
    }
}
