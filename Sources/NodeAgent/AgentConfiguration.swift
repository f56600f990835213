import Foundation
import NIOCore
import NIOSSL
import Shared

/// Everything `buildApplication` needs to assemble an agent, resolved from the command line and
/// the environment.
struct AgentConfiguration: Sendable {
    /// Address the HTTP server binds.
    var host: String
    /// Port the HTTP server binds (0 picks a free one).
    var port: Int
    /// The router's base URL; nil runs the agent standalone.
    var routerURL: String?
    /// The URL the router uses to reach this agent; derived from host and port when nil.
    var advertiseURL: String?
    var modelsDirectory: URL
    /// The shared secret between agents and the router.
    var nodeToken: String
    /// The detection report: the backend this node runs models on, its devices, and what the
    /// managed engine can use of them.
    var detection: DetectionReport
    /// How the managed llama-server engines run (nil when only external engines are declared).
    var engine: EngineSettings?
    /// When engines are loaded and unloaded.
    var enginePolicy = EnginePolicy()
    /// Bytes engines may hold on each device (RAM on the CPU); nil: the ledger's defaults.
    var memoryBudgetBytes: Int64?
    /// Slots and context per slot of every engine, which size their KV caches.
    var shape = ServingShape.default
    /// How often the models directory and the engines are checked.
    var maintenanceInterval: Duration = .seconds(2)
    /// Which formats this node serves, and through which engine.
    var engines: EngineCatalogue
    /// Requests the node runs at once (reported to the router).
    var capacity: Int
    /// A name for people.
    var nodeName: String
    /// How registered models are downloaded.
    var downloads = DownloadSettings()
    /// Largest accepted request body.
    var bodyLimit = 16 << 20
    /// Time allowed for an engine's response head.
    var responseTimeout = TimeAmount.seconds(600)
    /// What clients may ask of the server's connections.
    var serverLimits = ServerLimits()
    /// The certificate to serve HTTPS with; plain HTTP when nil.
    var certificate: ServerCertificate?
    /// How an HTTPS router (and engines) are verified.
    var clientTLS = TLSConfiguration.makeClientConfiguration()

    /// The advertised URL once the server's real port is known.
    func advertisedURL(boundPort: Int) -> String {
        if let advertiseURL { return advertiseURL.hasSuffix("/") ? String(advertiseURL.dropLast()) : advertiseURL }
        let reachableHost = ["0.0.0.0", "::", ""].contains(host) ? ProcessInfo.processInfo.hostName : host
        return "\(certificate == nil ? "http" : "https")://\(reachableHost):\(boundPort)"
    }
}
