import AsyncHTTPClient
import Logging

/// The agent's engines: one managed `llama-server` per loaded model, started on first use, and
/// the external engines declared per format.
///
/// Concurrent first requests for a model share one start and wait for it (bounded by the start
/// timeout). Engines idle past the policy's timeout are unloaded; when the memory budget is
/// short, least recently used idle engines make room; an engine that crashes is restarted with
/// exponential backoff (see `EnginePool+Maintenance.swift`).
actor EnginePool {
    /// A loaded engine, where it sits, and its use.
    struct Loaded {
        var engine: EngineProcess
        var model: LocalModel
        var placement: Placement
        /// Where the engine says it put the model.
        var load: EngineLoad?
        var active = 0
        /// Requests this engine finished (its speed counts engine time per request).
        var finished = 0
        var lastUsed: ContinuousClock.Instant
    }

    /// Consecutive failures of one model's engine.
    struct Failures {
        var count: Int
        var last: ContinuousClock.Instant
    }

    let settings: EngineSettings?
    let catalogue: EngineCatalogue
    let policy: EnginePolicy
    let client: HTTPClient
    let logger: Logger
    var loaded: [String: Loaded] = [:]
    var starting: [String: Task<EngineProcess, any Error>] = [:]
    var failures: [String: Failures] = [:]
    /// Models whose engine crashed, to start again once their backoff has passed.
    var crashed: [String: LocalModel] = [:]
    /// Memory held on each device by engines running or starting.
    var ledger: DeviceLedger
    /// Placements of engines being started, booked before they load.
    var pending: [String: Placement] = [:]
    /// Requests on external engines now (managed engines count theirs in ``Loaded/active``).
    var externalActive = 0
    /// How long each model's engine last took to start.
    var startDurations: [String: Duration] = [:]
    /// Each engine's measured speed (``EngineSpeed``), by model.
    var speeds: [String: EngineSpeed] = [:]

    /// Creates an empty pool whose engines compute on `ledger`'s devices.
    init(
        settings: EngineSettings?,
        catalogue: EngineCatalogue,
        ledger: DeviceLedger,
        policy: EnginePolicy = EnginePolicy(),
        client: HTTPClient,
        logger: Logger
    ) {
        self.settings = settings
        self.catalogue = catalogue
        self.ledger = ledger
        self.policy = policy
        self.client = client
        self.logger = logger
    }

    /// The base URL of a ready engine for `model`, counted as in use until ``checkin(_:)``.
    /// - Throws: ``EngineError`` when the engine cannot be started now.
    func checkout(_ model: LocalModel) async throws -> String {
        if let external = catalogue.external[model.format] {
            externalActive += 1
            return external
        }
        guard model.format == .gguf, settings != nil else {
            throw EngineError.cannotStart(model: model.id, reason: "no engine on this node serves \(model.format.displayName)")
        }
        if loaded[model.id]?.engine.isRunning != true {
            try await start(model)
        }
        guard var entry = loaded[model.id] else { throw EngineError.notReady(model: model.id, timeout: .zero) }
        entry.active += 1
        entry.lastUsed = .now
        loaded[model.id] = entry
        return entry.engine.baseURL
    }

    /// Marks one use of the model's engine, checked out before, as finished.
    func checkin(_ model: LocalModel) {
        if catalogue.external[model.format] != nil {
            externalActive = max(0, externalActive - 1)
            return
        }
        guard var entry = loaded[model.id] else { return }
        entry.active = max(0, entry.active - 1)
        entry.finished += 1
        entry.lastUsed = .now
        loaded[model.id] = entry
    }

    /// Memory a new engine could load into now without stopping another, over all devices.
    var freeMemoryBytes: Int64 { ledger.freeBytes }

    /// Requests on this node's engines now: the agent's one in-flight count (health, heartbeats).
    var inFlight: Int {
        loaded.values.reduce(externalActive) { $0 + $1.active }
    }

    /// Starts the model's engine, or joins a start in progress (so concurrent first requests
    /// start one engine). The start is registered before anything is awaited.
    func start(_ model: LocalModel) async throws {
        let task: Task<EngineProcess, any Error>
        var owner = false
        if let existing = starting[model.id] {
            task = existing
        } else {
            // A start decided before an await (the maintenance pass) may find the engine up.
            if loaded[model.id]?.engine.isRunning == true { return }
            if let dead = removeExited(model.id) {
                recordFailure(model.id, reason: "engine exited (status \(dead.engine.terminationStatus))")
            }
            if let failure = failures[model.id] {
                let retryAt = failure.last + policy.backoff(after: failure.count)
                guard retryAt <= .now else { throw EngineError.backingOff(model: model.id, retryAfter: retryAt - .now) }
            }
            guard let settings else { throw EngineError.cannotStart(model: model.id, reason: "no llama-server configured") }
            task = Task { [client, logger] in
                let placement = try await self.place(model)
                do {
                    let (engine, load) = try await EngineProcess.launch(
                        model: model,
                        settings: settings,
                        placement: placement,
                        client: client,
                        logger: logger
                    )
                    if Task.isCancelled {
                        // The pool is shutting down: it no longer stops what it has not adopted.
                        await engine.stop(waitingAtMost: .seconds(10))
                        throw CancellationError()
                    }
                    self.adopt(engine, load: load, serving: model)
                    return engine
                } catch {
                    self.cancelPending(model.id)
                    throw error
                }
            }
            starting[model.id] = task
            owner = true
        }
        defer { if owner { starting[model.id] = nil } }
        let began = ContinuousClock.now
        do {
            _ = try await task.value
            if owner { startDurations[model.id] = .now - began }
        } catch {
            if owner && !(error is CancellationError) { recordFailure(model.id, reason: "\(error)") }
            throw error
        }
    }

    func recordFailure(_ modelID: String, reason: String) {
        let count = (failures[modelID]?.count ?? 0) + 1
        failures[modelID] = Failures(count: count, last: .now)
        logger.warning(
            "engine failed",
            metadata: ["model": "\(modelID)", "reason": "\(reason)", "failures": "\(count)", "retry_in": "\(policy.backoff(after: count))"]
        )
    }

    /// Stops every engine and waits (bounded) until they have exited.
    func shutdown() async {
        for start in starting.values { start.cancel() }
        let entries = Array(loaded.values)
        loaded.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for entry in entries {
                group.addTask { await entry.engine.stop(waitingAtMost: .seconds(10)) }
            }
        }
        for entry in entries { ledger.release(entry.placement) }
    }
}
