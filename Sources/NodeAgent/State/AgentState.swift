import Foundation
import NIOPosix
import Shared

/// The agent's shared mutable state: its identity and the verdict on every local model (the
/// requests in flight are the engine pool's count).
actor AgentState {
    /// New at every start of the agent; tells the router the node restarted.
    nonisolated let instanceID: String
    /// How many requests the node runs at once.
    nonisolated let capacity: Int
    private let catalogue: ModelCatalogue
    private let host: HostProfile
    private let engines: EngineCatalogue
    private(set) var verdicts: [ModelVerdict]
    /// How many scans have started (the newest one's result wins).
    private var scans = 0

    /// Creates the state and scans the models directory once.
    init(catalogue: ModelCatalogue, host: HostProfile, engines: EngineCatalogue, capacity: Int, instanceID: String = UUID().uuidString.lowercased()) {
        self.catalogue = catalogue
        self.host = host
        self.engines = engines
        self.capacity = capacity
        self.instanceID = instanceID
        self.verdicts = Self.judge(catalogue.scan(), host: host, engines: engines)
    }

    /// Every local model with the verdict for this host.
    static func judge(_ models: [LocalModel], host: HostProfile, engines: EngineCatalogue) -> [ModelVerdict] {
        models.map { Compatibility.verdict(for: $0, on: host, engines: engines) }
    }

    /// Scans the models directory again (reading file headers, on NIO's blocking-work pool);
    /// returns whether the served list changed.
    @discardableResult
    func rescan() async -> Bool {
        let before = executableModelIDs
        scans += 1
        let scan = scans
        let catalogue = self.catalogue
        let models = await NIOThreadPool.singleton.blocking { catalogue.scan() }
        // Scans can overlap (the actor is re-entered while one runs): an older one that ends
        // last must not undo what a newer one found.
        guard scan == scans else { return false }
        verdicts = Self.judge(models, host: host, engines: engines)
        return before != executableModelIDs
    }

    /// The executable model with this exact ID, if any.
    func executableModel(_ id: String) -> LocalModel? {
        verdicts.first { $0.model.id == id && $0.isExecutable }?.model
    }

    /// The verdict on the local model with this ID, if there is one.
    func verdict(of id: String) -> ModelVerdict? {
        verdicts.first { $0.model.id == id }
    }

    /// The verdict a model would get here once its files are present (for registered models
    /// before they are downloaded).
    func verdict(forCandidate model: LocalModel) -> ModelVerdict {
        Compatibility.verdict(for: model, on: host, engines: engines)
    }

    /// The models this node serves.
    var executableModels: [LocalModel] {
        verdicts.filter(\.isExecutable).map(\.model)
    }

    /// IDs of the models this node serves.
    var executableModelIDs: [String] {
        verdicts.filter(\.isExecutable).map(\.model.id)
    }

    /// The models-version hash sent in heartbeats.
    var modelsVersion: String {
        ModelsVersion.of(executableModelIDs)
    }

}
