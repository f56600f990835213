import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Shared

/// `switchyard-router serve`: the long-running router.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the router.",
        discussion: """
            Secrets come from the environment: SWITCHYARD_ADMIN_KEY (admin API, also accepted for \
            inference) and SWITCHYARD_NODE_TOKEN (shared with agents). When either is unset, the router \
            generates it on first start, keeps it in the database, and prints it once. With --database (PostgreSQL), several replicas share one fleet: see docs/operations.md. \
            Model registration asks the hub at HF_ENDPOINT (default https://huggingface.co) with the \
            token in HF_TOKEN, if any.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8800

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @Option(help: "Seconds between agent heartbeats.")
    var heartbeatInterval = 2.0

    @Option(help: "Requests that may wait per model when every node serving it is at capacity.")
    var queueDepth = 256

    @Option(help: "Seconds a request may wait in its model's queue before 504 queue_timeout.")
    var queueTimeout = 30.0

    @Option(
        help:
            "How a node is chosen: warm-first (engines loaded first, then the soonest finish by measured speed), least-loaded, or prefix-affinity (a prototype). See docs/routing.md."
    )
    var routing = RoutingPolicy.warmFirst

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Event loop threads serving connections (default: one per core).")
    var eventLoops: Int?

    @OptionGroup(title: "Network") var network: NetworkOptions

    func run() async throws {
        // The service runs on NIO's event loops (`runServiceOnEventLoops`), so tasks must not
        // block for long: the request log is written through GRDB's queue; the rare node and key
        // writes (a few milliseconds) stay synchronous for their order.
        if let eventLoops { NIOSingletons.groupLoopCountSuggestion = eventLoops }  // before the loops start
        LoggingSystem.bootstrap { DeferredMetadataLogHandler.standardError(label: $0) }
        var logger = Logger(label: "switchyard-router")
        logger.logLevel = logLevel
        network.prepareDescriptors(logger: logger)
        let environment = ProcessInfo.processInfo.environment
        let configuration = RouterConfiguration(
            host: host,
            port: port,
            dataDirectory: URL(fileURLWithPath: database.dataDir),
            adminKey: environment["SWITCHYARD_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            nodeToken: environment["SWITCHYARD_NODE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            heartbeatInterval: .milliseconds(Int(heartbeatInterval * 1000)),
            registry: RegistrySettings(
                offlineAfter: .milliseconds(Int(heartbeatInterval * 3000)),
                queueDepth: queueDepth,
                queueTimeout: .milliseconds(Int(queueTimeout * 1000)),
                routing: routing
            ),
            hub: HubSettings.fromEnvironment(environment),
            serverLimits: network.limits,
            certificate: try network.certificate(),
            clientTLS: try network.clientTLS()
        )
        try await database.withStorage(logger: logger) { storage in
            let readiness = ServerReadiness()
            let (app, generated) = try await buildApplication(configuration, database: storage, readiness: readiness, logger: logger)
            for secret in generated {
                print("Generated \(secret.name): \(secret.value)  (shown once; only the router's database keeps it)")
            }
            try await app.runServiceOnEventLoops(readiness: readiness, drain: network.drain(defaultDelay: 0))
        }
    }

    func validate() throws {
        _ = try database.location()
        guard queueDepth >= 0 else { throw ValidationError("--queue-depth cannot be negative") }
        guard queueTimeout > 0 else { throw ValidationError("--queue-timeout must be positive") }
        guard (eventLoops ?? 1) >= 1 else { throw ValidationError("--event-loops must be at least 1") }
        guard heartbeatInterval >= 0.1, heartbeatInterval <= 60 else {
            throw ValidationError("--heartbeat-interval must be between 0.1 and 60 seconds")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
