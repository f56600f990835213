import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// A server's TLS certificate chain and private key, read from PEM files and read again on
/// ``reload()`` (SIGHUP): connections opened afterwards present the new pair, connections
/// already open keep theirs. A pair that does not load, or whose key does not match the
/// certificate, is refused and the one in use stays.
public final class ServerCertificate: Sendable {
    /// Where the PEM files are.
    public struct Files: Sendable, Equatable {
        /// The certificate, followed by any intermediates.
        public var certificate: String
        /// The certificate's private key (unencrypted).
        public var key: String

        /// Names the two files.
        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    /// The chain and key handshakes use now.
    private struct Identity: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    /// The files this certificate is read from.
    public let files: Files
    private let current: NIOLockedValueBox<Identity>

    /// Reads and checks the pair.
    /// - Throws: ``TLSFileError`` naming the file at fault.
    public init(files: Files) throws {
        self.files = files
        current = NIOLockedValueBox(try Self.load(files))
    }

    /// Reads the files again and uses them for new connections.
    /// - Throws: ``TLSFileError``; the pair in use stays.
    public func reload() throws {
        let identity = try Self.load(files)
        current.withLockedValue { $0 = identity }
    }

    /// The server configuration: every handshake asks for the pair in use at that moment.
    public var tlsConfiguration: TLSConfiguration {
        let identity = current.withLockedValue { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.chain.map { .certificate($0) },
            privateKey: .privateKey(identity.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [current] _, promise in
            let identity = current.withLockedValue { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = identity.chain.map { .certificate($0) }
            override.privateKey = .privateKey(identity.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// When the leaf certificate in use expires, for logs.
    public var expiry: Date {
        Date(timeIntervalSince1970: TimeInterval(current.withLockedValue { $0.chain[0].notValidAfter }))
    }

    private static func load(_ files: Files) throws -> Identity {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw TLSFileError(path: files.certificate, problem: "is not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFileError(path: files.certificate, problem: "holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        } catch {
            throw TLSFileError(path: files.key, problem: "is not a readable, unencrypted PEM private key (\(error))")
        }
        // A context refuses a key that does not belong to the certificate.
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError(path: files.key, problem: "does not match the certificate in \(files.certificate) (\(error))")
        }
        return Identity(chain: chain, key: key)
    }
}
