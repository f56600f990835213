import AsyncHTTPClient
import Logging

/// The agent's engines: one managed `llama-server` per loaded model, started on first use, and
/// the external engines declared per format.
///
/// Concurrent first requests for a model share one start; a model whose engine died is started
/// again on its next request.
actor EnginePool {
    private let settings: EngineSettings?
    private let catalog: EngineCatalog
    private let client: HTTPClient
    private let logger: Logger
    private var running: [String: EngineProcess] = [:]
    private var starting: [String: Task<EngineProcess, any Error>] = [:]

    /// Creates an empty pool.
    init(settings: EngineSettings?, catalog: EngineCatalog, client: HTTPClient, logger: Logger) {
        self.settings = settings
        self.catalog = catalog
        self.client = client
        self.logger = logger
    }

    /// The base URL of a ready engine for `model`, starting one when needed.
    /// - Throws: ``EngineError`` when the engine cannot be started.
    func engineURL(for model: LocalModel) async throws -> String {
        if let external = catalog.external[model.format] { return external }
        guard let settings, model.format == .gguf else {
            throw EngineError.cannotStart(model: model.id, reason: "no engine on this node serves \(model.format.displayName)")
        }
        if let engine = running[model.id] {
            if engine.isRunning { return engine.baseURL }
            logger.warning("engine exited; starting it again", metadata: ["model": "\(model.id)"])
            running[model.id] = nil
        }
        if let start = starting[model.id] {
            return try await start.value.baseURL
        }
        let start = Task { [settings, client, logger] in
            try await EngineProcess.launch(model: model, settings: settings, client: client, logger: logger)
        }
        starting[model.id] = start
        defer { starting[model.id] = nil }
        let engine = try await start.value
        running[model.id] = engine
        return engine.baseURL
    }

    /// Process IDs of the running engine guards, by model.
    func processIDs() -> [String: Int32] {
        running.mapValues(\.processID)
    }

    /// Stops every engine and waits (bounded) until they have exited.
    func shutdown() async {
        for start in starting.values { start.cancel() }
        let engines = Array(running.values)
        running.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for engine in engines {
                group.addTask { await engine.stop(waitingAtMost: .seconds(10)) }
            }
        }
    }
}
