import Foundation
import Shared

/// The agent's shared mutable state: its identity, its model catalogue snapshot and the number
/// of requests in flight.
actor AgentState {
    /// New at every start of the agent; tells the router the node restarted.
    nonisolated let instanceID: String
    /// How many requests the node runs at once.
    nonisolated let capacity: Int
    private let catalogue: ModelCatalogue
    private(set) var models: [LocalModel]
    private(set) var inFlight = 0

    /// Creates the state and scans the models directory once.
    init(catalogue: ModelCatalogue, capacity: Int, instanceID: String = UUID().uuidString.lowercased()) {
        self.catalogue = catalogue
        self.capacity = capacity
        self.instanceID = instanceID
        self.models = catalogue.scan()
    }

    /// Scans the models directory again.
    func rescan() {
        models = catalogue.scan()
    }

    /// The executable model with this exact ID, if any.
    func executableModel(_ id: String) -> LocalModel? {
        models.first { $0.id == id && $0.isExecutable }
    }

    /// IDs of the models this node serves.
    var executableModelIDs: [String] {
        models.filter(\.isExecutable).map(\.id)
    }

    /// The models-version hash sent in heartbeats.
    var modelsVersion: String {
        ModelsVersion.of(executableModelIDs)
    }

    /// Counts a request in.
    func begin() { inFlight += 1 }

    /// Counts a request out.
    func end() { inFlight -= 1 }
}
