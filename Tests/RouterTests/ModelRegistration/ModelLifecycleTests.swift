import HTTPTypes
import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct ModelLifecycleTests {
    static let model = RegisteredModel(
        id: "org/model",
        repo: "org/model",
        revision: "main",
        commit: "c0ffee",
        format: "gguf",
        quantization: "Q4_0",
        files: [ArtifactFile(path: "m.gguf", url: "https://hub/m.gguf", sizeBytes: 1000, sha256: "aa", gitBlobID: nil)],
        backends: nil,
        requiredMemoryBytes: 2000,
        registeredAt: 0
    )

    static func node(_ id: String, online: Bool = true, models: Set<String> = []) -> NodeStatus {
        NodeStatus(
            node: Node(id: id, url: "http://\(id)", name: id, instanceID: "i", backend: "cpu", devices: [], capacity: 1, models: models),
            online: online,
            inFlight: 0
        )
    }

    @Test("per node: ready when served, else the agent's report, else registered; overall follows the best node")
    func states() {
        let reports: [String: [String: DownloadReport]] = [
            "b": ["org/model": DownloadReport(model: "org/model", state: .downloading, bytesDone: 250, bytesTotal: 1000, bytesPerSecond: 50)],
            "c": ["org/model": DownloadReport(model: "org/model", state: .notRunnable, reason: "MLX needs Metal")],
            "d": ["org/model": DownloadReport(model: "org/model", state: .ready, bytesDone: 1000, bytesTotal: 1000)],
        ]
        let nodes = [Self.node("a", models: ["org/model"]), Self.node("b"), Self.node("c"), Self.node("d"), Self.node("e")]
        let entry = ModelLifecycle(models: [Self.model], nodes: nodes, reports: reports).models[0]
        #expect(entry.nodes.map(\.state) == ["ready", "downloading", "not_runnable_here", "registered", "registered"])
        #expect(entry.nodes[1].percent == 25)
        #expect(entry.nodes[1].secondsLeft == 15)
        #expect(entry.nodes[2].reason == "MLX needs Metal")
        #expect(entry.state == "ready")
    }

    @Test(
        "overall state without a ready node",
        arguments: [
            (["downloading", "failed"], "downloading"), (["queued"], "downloading"), (["failed", "not_runnable_here"], "failed"),
            (["not_runnable_here", "not_runnable_here"], "not_runnable_here"), ([], "registered"), (["registered"], "registered"),
        ]
    )
    func overall(states: [String], expected: String) {
        let nodes = states.map {
            ModelLifecycle.NodeState(nodeID: "n", nodeName: "n", online: true, state: $0, percent: 0, bytesDone: 0, bytesTotal: 0)
        }
        #expect(ModelLifecycle.overall(nodes) == expected)
    }

    @Test("a registered model that is downloading answers 503 model_downloading with its progress; otherwise no_capable_nodes")
    func explainsUnavailableRegisteredModels() async throws {
        let registrations = RegisteredModels(store: nil)
        try await registrations.add(Self.model)
        let missing = RoutingError.modelNotFound(model: "org/model")
        #expect(await registrations.explain(missing, model: "org/model") == .noCapableNodes(model: "org/model"))
        #expect(await registrations.explain(missing, model: "other/model") == missing)

        await registrations.record(
            nodeID: "n1",
            [DownloadReport(model: "org/model", state: .downloading, bytesDone: 400, bytesTotal: 1000, bytesPerSecond: 100)]
        )
        let downloading = await registrations.explain(missing, model: "org/model").openAIError
        #expect(downloading.status == .serviceUnavailable)
        #expect(downloading.body.code == "model_downloading")
        #expect(downloading.body.message.contains("40% done, about 6 s left"))
        #expect(downloading.headers[.retryAfter] == "6")
        await #expect(throws: ModelRegistrationError.alreadyRegistered(id: Self.model.id)) { try await registrations.add(Self.model) }
    }
}
