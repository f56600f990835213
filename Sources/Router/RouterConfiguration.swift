import Foundation
import NIOCore
import NIOSSL
import Shared

/// Everything `buildApplication` needs to assemble a router.
struct RouterConfiguration: Sendable {
    /// Address the HTTP server binds.
    var host = "127.0.0.1"
    /// Port the HTTP server binds.
    var port = 8800
    /// Where the router keeps its database.
    var dataDirectory: URL
    /// The admin key from the environment; when nil, a generated key's hash is kept in the database.
    var adminKey: String?
    /// The node token from the environment; when nil, a generated token is kept in the database.
    var nodeToken: String?
    /// How often agents send heartbeats.
    var heartbeatInterval: Duration = .seconds(2)
    /// Liveness and queueing limits.
    var registry = RegistrySettings()
    /// Largest accepted request body.
    var bodyLimit = 16 << 20
    /// Time allowed for a node's response head (queueing and prefill on the node included).
    var firstByteTimeout = TimeAmount.seconds(300)
    /// Nodes tried for one request before answering 502.
    var maxAttempts = 3
    /// Timeout for pulling a node's `/v1/models`.
    var modelListTimeout = TimeAmount.seconds(5)
    /// The model hub that registrations are looked up on.
    var hub = HubSettings()
    /// What clients may ask of the server's connections.
    var serverLimits = ServerLimits()
    /// The certificate to serve HTTPS with; plain HTTP when nil.
    var certificate: ServerCertificate?
    /// How HTTPS agents and endpoints are verified.
    var clientTLS = TLSConfiguration.makeClientConfiguration()
}
