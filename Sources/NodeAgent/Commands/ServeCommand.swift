import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Shared

/// `switchyard-agent serve`: the long-running agent.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the agent: detect the backend, serve runnable models, register with the router.",
        discussion: "The node token is read from SWITCHYARD_NODE_TOKEN; the router and this agent must share it."
    )

    @Option(
        help:
            "The router's base URL, e.g. http://router:8800: one router, or replicas behind a load balancer; or each replica's URL, comma-separated (the agent moves to the next when one cannot be reached). Without it the agent runs standalone."
    )
    var router: String?

    @Option(help: "Address to listen on.")
    var host = "0.0.0.0"

    @Option(help: "Port to listen on.")
    var port = 8801

    @Option(help: "URL under which the router reaches this agent (default: http://HOST:PORT).")
    var advertiseURL: String?

    @Option(help: "The node's name in the router's admin API and dashboard (default: the host name).")
    var name: String?

    @Option(help: "The models directory.", completion: .directory)
    var modelsDir: String

    @OptionGroup var engineOption: EngineOption

    @Option(
        name: .customLong("engine"),
        help: "An external OpenAI-compatible engine serving a format, e.g. safetensors=http://127.0.0.1:8000 (repeatable)."
    )
    var engines: [EngineDeclaration] = []

    @OptionGroup var backendOption: BackendOption

    @Option(help: "CPU threads per engine (default: half the cores, at least 1).")
    var threads: Int?

    @OptionGroup var serving: ServingOptions

    @Option(help: "Unload an engine after this many idle seconds (0 keeps engines loaded).")
    var idleUnload = 600.0

    @Option(help: "A model to start with the agent and keep loaded (repeatable).")
    var preload: [String] = []

    @Option(help: "Registered models downloaded at the same time.")
    var maxDownloads = 2

    @Option(help: "Download bandwidth limit in MiB/s for all downloads together (default: unlimited).")
    var downloadRateLimit: Double?

    @Option(
        help: "An origin (scheme://host[:port]) registered models may be downloaded from, besides huggingface.co and HF_ENDPOINT (repeatable)."
    )
    var downloadOrigin: [String] = []

    @Option(help: "Where engine logs go (default: ~/.switchyard/agent/logs).")
    var logDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @OptionGroup(title: "Network") var network: NetworkOptions

    func run() async throws {
        // The service runs on NIO's event loops (`runServiceOnEventLoops`): long blocking work
        // (file hashing, model scans) goes to NIO's thread pool.
        LoggingSystem.bootstrap { DeferredMetadataLogHandler.standardError(label: $0) }
        var logger = Logger(label: "switchyard-agent")
        logger.logLevel = logLevel
        network.prepareDescriptors(logger: logger)

        guard let nodeToken = ProcessInfo.processInfo.environment["SWITCHYARD_NODE_TOKEN"], !nodeToken.isEmpty else {
            throw ValidationError("SWITCHYARD_NODE_TOKEN is not set: the agent needs the node token it shares with the router.")
        }
        let managedEngine = try resolveLlamaServer()
        let report = await EngineOption.inspect(managedEngine, report: try backendOption.detector().detect())
        logger.info("\(report.summary)")
        let configuration = AgentConfiguration(
            host: host,
            port: port,
            routerURL: router,
            advertiseURL: advertiseURL,
            modelsDirectory: URL(fileURLWithPath: modelsDir),
            nodeToken: nodeToken,
            detection: report,
            engine: managedEngine.map { executable in
                EngineSettings(
                    llamaServer: executable,
                    guardExecutable: Self.ownExecutable,
                    logDirectory: URL(fileURLWithPath: logDir ?? Self.defaultStateDirectory + "/logs"),
                    threads: threads ?? EngineSettings.defaultThreads,
                    shape: serving.shape,
                    startTimeout: .seconds(120),
                    environment: EngineEnvironment.variables(for: report, base: ProcessInfo.processInfo.environment)
                )
            },
            enginePolicy: EnginePolicy(
                idleTimeout: idleUnload > 0 ? .milliseconds(Int(idleUnload * 1000)) : nil,
                preload: Set(preload)
            ),
            memoryBudgetBytes: serving.memoryBudgetBytes,
            shape: serving.shape,
            engines: EngineCatalogue(managedFormats: managedEngine == nil ? [] : [.gguf], declarations: engines),
            capacity: serving.slots,
            nodeName: name ?? ProcessInfo.processInfo.hostName,
            downloads: downloadSettings,
            serverLimits: network.limits,
            certificate: try network.certificate(),
            clientTLS: try network.clientTLS()
        )
        let readiness = ServerReadiness()
        let app = try await buildApplication(configuration, readiness: readiness, logger: logger)
        try await app.runServiceOnEventLoops(readiness: readiness, drain: network.drain(defaultDelay: 2))
    }

    /// Download limits and allowed origins from the options; hub endpoint and token from the environment.
    var downloadSettings: DownloadSettings {
        var settings = DownloadSettings.fromEnvironment(ProcessInfo.processInfo.environment, extraOrigins: downloadOrigin)
        settings.maxConcurrent = maxDownloads
        settings.bytesPerSecond = downloadRateLimit.map { Int64($0 * 1_048_576) }
        return settings
    }

    func validate() throws {
        if let router {
            let urls = RouterAddresses(router).urls
            guard !urls.isEmpty, urls.allSatisfy(RouterAddresses.isValid) else {
                throw ValidationError("--router takes http(s) URLs with a host, comma-separated, e.g. http://router:8800")
            }
        }
        guard maxDownloads >= 1 else { throw ValidationError("--max-downloads must be at least 1") }
        guard downloadRateLimit.map({ $0 > 0 }) ?? true else { throw ValidationError("--download-rate-limit must be positive") }
        for origin in downloadOrigin where DownloadSettings.origin(of: origin) == nil {
            throw ValidationError("--download-origin \(origin) is not an http(s) origin")
        }
        guard idleUnload >= 0 else { throw ValidationError("--idle-unload cannot be negative") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelsDir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--models-dir \(modelsDir) is not a directory")
        }
    }

    static var defaultStateDirectory: String {
        FileManager.default.homeDirectoryForCurrentUser.path + "/.switchyard/agent"
    }

    /// This process's own executable, used to start engine guards.
    static var ownExecutable: URL {
        #if os(Linux)
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        #endif
    }

    /// The llama-server to manage: the one named, else one on PATH. None is fine only when an
    /// external engine serves GGUF.
    func resolveLlamaServer() throws -> URL? {
        if let executable = try engineOption.locate() { return executable }
        guard engines.contains(where: { $0.format == .gguf }) else {
            throw ValidationError("llama-server was not found on PATH; pass --llama-server PATH (or declare --engine gguf=URL)")
        }
        return nil
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
