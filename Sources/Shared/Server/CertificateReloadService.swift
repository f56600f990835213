import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the server's certificate and key again on each SIGHUP, so a renewed certificate is
/// used without a restart (or a dropped connection); a pair that fails to load is logged and
/// the one in use stays.
public struct CertificateReloadService: Service {
    private let certificate: ServerCertificate
    private let logger: Logger

    /// Creates the service for `certificate`.
    public init(certificate: ServerCertificate, logger: Logger) {
        self.certificate = certificate
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                try certificate.reload()
                logger.notice("SIGHUP: TLS certificate reloaded, valid until \(certificate.expiry.formatted(.iso8601))")
            } catch {
                logger.error("SIGHUP: TLS certificate not reloaded, the previous one stays in use: \(error)")
            }
        }
    }
}
