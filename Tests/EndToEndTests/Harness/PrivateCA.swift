import AsyncHTTPClient
import Foundation
import NIOSSL

/// A certificate authority made by a test with `openssl`: it issues server certificates for
/// this host's loopback (`localhost` and `127.0.0.1`), and gives HTTP clients that trust it.
struct PrivateCA {
    let directory: URL
    let name: String

    /// The CA's own certificate (what `--ca-file` names).
    var certificate: URL { directory.appendingPathComponent("\(name)-ca.pem") }
    private var key: URL { directory.appendingPathComponent("\(name)-ca.key") }

    /// Makes a new CA called `name` in `directory`.
    init(name: String, in directory: URL) throws {
        self.directory = directory
        self.name = name
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", certificate.path, "-days", "2", "-subj", "/CN=\(name) test CA",
        ])
    }

    /// Issues a certificate named `leaf` for `names` (loopback by default), with a fresh key and
    /// serial; issuing the same leaf again replaces its files (a renewal).
    func issue(_ leaf: String, names: String = "DNS:localhost,IP:127.0.0.1") throws -> (certificate: URL, key: URL) {
        let (certificate, key) = (directory.appendingPathComponent("\(leaf).pem"), directory.appendingPathComponent("\(leaf).key"))
        let (request, extensions) = (directory.appendingPathComponent("\(leaf).csr"), directory.appendingPathComponent("\(leaf).ext"))
        try "subjectAltName=\(names)\n".write(to: extensions, atomically: true, encoding: .utf8)
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", request.path, "-subj", "/CN=\(leaf)",
        ])
        try Self.openssl([
            "x509", "-req", "-in", request.path, "-CA", self.certificate.path, "-CAkey", self.key.path,
            "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-out", certificate.path, "-days", "1", "-extfile", extensions.path,
        ])
        return (certificate, key)
    }

    /// A client that trusts this CA (and nothing else); shut it down after use.
    func client() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.path))
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The serial number (hex) of the certificate a server at `port` presents now.
    static func servedSerial(port: Int) throws -> String {
        let shell = "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -serial"
        return try run("/bin/sh", ["-c", shell]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The serial number (hex) in a certificate file.
    static func serial(of certificate: URL) throws -> String {
        try run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", certificate.path]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func openssl(_ arguments: [String]) throws {
        _ = try run("/usr/bin/openssl", arguments)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        try TestEnvironment.output(of: URL(fileURLWithPath: executable), arguments)
    }
}
