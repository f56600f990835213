import HTTPTypes
import Logging
import Shared

/// The registered Hugging Face models (persisted), and what each agent last reported about
/// them (in memory: agents report again at every heartbeat).
actor RegisteredModels {
    private var models: [String: RegisteredModel] = [:]
    private var reports: [String: (at: ContinuousClock.Instant, byModel: [String: DownloadReport])] = [:]
    /// Every registration with its version, as agents fetch it.
    private(set) var list = RegisteredModelList(models: [])
    private let store: RegisteredModelStore?
    /// Reports older than this come from nodes that went quiet and no longer count.
    private let staleAfter: Duration

    /// Holds `restored`, the registrations read from `store` at start (``load(store:)``).
    init(store: RegisteredModelStore?, restoring restored: [RegisteredModel] = [], staleAfter: Duration = .seconds(10)) {
        self.store = store
        self.staleAfter = staleAfter
        for model in restored { models[model.id] = model }
        list = RegisteredModelList(models: Array(models.values))
    }

    /// Reads the persisted registrations.
    static func load(store: RegisteredModelStore) async throws -> RegisteredModels {
        RegisteredModels(store: store, restoring: try await store.all())
    }

    /// Re-reads the registrations (another replica added or removed one).
    func reload() async throws {
        guard let store else { return }
        let stored = try await store.all()
        models = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        list = RegisteredModelList(models: stored)
    }

    /// Every registration, sorted by ID.
    var all: [RegisteredModel] { list.models }

    /// The registration with this ID.
    func model(_ id: String) -> RegisteredModel? { models[id] }

    /// Adds a registration.
    /// - Throws: ``ModelRegistrationError`` when the ID is taken or the store fails.
    func add(_ model: RegisteredModel) async throws(ModelRegistrationError) {
        guard models[model.id] == nil else { throw .alreadyRegistered(id: model.id) }
        do {
            // The database decides between replicas (and between two calls here, across the await).
            if let store, try await !store.insert(model) { throw ModelRegistrationError.alreadyRegistered(id: model.id) }
        } catch let error as ModelRegistrationError {
            throw error
        } catch {
            throw .storeFailed(action: "stored")
        }
        models[model.id] = model
        list = RegisteredModelList(models: Array(models.values))
    }

    /// Removes a registration; agents delete their downloaded copies at their next sync.
    /// - Throws: ``ModelRegistrationError`` when nothing is registered under the ID or the store fails.
    func remove(_ id: String) async throws(ModelRegistrationError) {
        guard models[id] != nil else { throw .notRegistered(id: id) }
        do {
            try await store?.delete(id: id)
        } catch {
            throw .storeFailed(action: "removed")
        }
        models[id] = nil
        list = RegisteredModelList(models: Array(models.values))
    }

    /// Keeps what a node said in its heartbeat.
    func record(nodeID: String, _ nodeReports: [DownloadReport]) {
        reports[nodeID] = (.now, Dictionary(nodeReports.map { ($0.model, $0) }, uniquingKeysWith: { $1 }))
    }

    /// The node's recent reports by model (empty when it has not reported lately).
    func reports(of nodeID: String) -> [String: DownloadReport] {
        guard let entry = reports[nodeID], ContinuousClock.now - entry.at < staleAfter else { return [:] }
        return entry.byModel
    }

    /// Every registered model with its state on each of `nodes`, from their recent reports.
    func lifecycle(on nodes: [NodeStatus]) -> ModelLifecycle {
        ModelLifecycle(models: all, nodes: nodes, reports: Dictionary(nodes.map { ($0.node.id, reports(of: $0.node.id)) }, uniquingKeysWith: { $1 }))
    }

    /// Turns "not found" and "no capable node" into what is true for a registered model:
    /// `modelDownloading` with the progress while a node downloads it, else `noCapableNodes`.
    /// Other errors pass unchanged.
    func explain(_ error: RoutingError, model: String) -> RoutingError {
        guard error.mayBeDownloading, models[model] != nil else { return error }
        let pending = reports.keys.sorted().compactMap { node in
            reports(of: node)[model].flatMap { [.downloading, .queued].contains($0.state) ? $0 : nil }
        }
        guard let report = pending.max(by: { $0.percent < $1.percent }) else {
            return .noCapableNodes(model: model)
        }
        // Progress only: node names are the operator's business, not the API client's.
        var progress = report.state == .queued ? "queued for download" : "\(Int(report.percent))% done"
        if let left = report.secondsLeft { progress += ", about \(left) s left" }
        return .modelDownloading(model: model, progress: progress, retryAfter: min(30, max(1, report.secondsLeft ?? 5)))
    }
}
