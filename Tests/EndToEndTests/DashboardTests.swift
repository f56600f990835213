import Foundation
import NIOHTTP1
import Testing

/// The dashboard in headless Chromium (`scripts/dashboard/browser_test.py`, Selenium) against a
/// router with two real agents of different backends and a local hub: log in, see both nodes,
/// clear a real exclusion, register a model and watch it download, read the traffic view, add
/// a plain llama-server as an endpoint.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct DashboardTests {
    static let repo = "local-test/dashboard-model"

    @Test func theDashboardWorksInARealBrowser() async throws {
        let hub = try await LocalHub.start()
        defer { hub.stop() }
        var weights = try ModelRegistrationTests.smolFile()
        weights.path = "dashboard-model.Q4_1.gguf"
        await hub.state.add(LocalHub.Repo(id: Self.repo, files: [weights]))
        await hub.state.throttle(weights.path, bytesPerSecond: 24 << 20)  // a few seconds of visible progress

        try await withFleet(agents: 0, routerEnvironment: ["HF_ENDPOINT": hub.url]) { fleet in
            let models = try fleet.modelsDirectory("cpu-box", models: [TestEnvironment.chatModel, TestEnvironment.embeddingModel])
            try await fleet.startAgent(
                name: "cpu-box",
                modelsDirectory: models,
                extraArguments: ["--name", "cpu-box", "--backend", "cpu", "--download-origin", hub.url]
            )
            // A Vulkan node whose engine refuses connections: its first request fails, and the
            // router excludes the model there (and answers from the CPU node).
            try await fleet.startAgent(
                name: "vulkan-box",
                modelsDirectory: try fleet.modelsDirectory("vulkan-box", models: [TestEnvironment.chatModel]),
                extraArguments: ["--name", "vulkan-box", "--backend", "vulkan", "--engine", "gguf=http://127.0.0.1:1", "--download-origin", hub.url]
            )
            let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
            try await fleet.eventually("the Vulkan node's model is excluded", timeout: .seconds(60)) {
                #expect(try await fleet.call(.POST, "/v1/chat/completions", json: chat).status == 200)
                return try await fleet.call(.GET, "/v0/nodes").body.contains("\"excluded_models\":[\"\(TestEnvironment.chatModel)\"]")
            }

            // Some traffic for the traffic view: embeddings, and one model nobody has (a 404).
            let embedding = #"{"model": "\#(TestEnvironment.embeddingModel)", "input": "the dashboard"}"#
            for _ in 0..<8 { #expect(try await fleet.call(.POST, "/v1/embeddings", json: embedding).status == 200) }
            #expect(try await fleet.call(.POST, "/v1/embeddings", json: #"{"model": "nobody/has-this", "input": "x"}"#).status == 404)

            // A plain llama-server for the endpoint form.
            let server = try await ExternalEngine.start(
                in: fleet,
                serving: TestEnvironment.chatModel,
                extraArguments: ["--alias", "endpoint-smollm2"]
            )
            defer { server.process.kill() }

            let artifacts = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-dashboard-artifacts")
            let (status, output) = try await Self.runBrowser([
                "DASHBOARD_URL": fleet.routerURL, "ADMIN_KEY": fleet.adminKey, "REPO": Self.repo, "ARTIFACTS": artifacts.path,
                "ENDPOINT_URL": "http://127.0.0.1:\(server.port)",
            ])
            #expect(status == 0, "\(output)")
            #expect(output.contains("dashboard browser checks passed"), "\(output)")
        }
    }

    /// Runs the Selenium script with the test venv's Python; returns its status and output.
    static func runBrowser(_ environment: [String: String]) async throws -> (Int32, String) {
        let python = try #require(ProcessInfo.processInfo.environment["SWITCHYARD_PYTHON"], "SWITCHYARD_PYTHON is not set (scripts/test.sh sets it)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/dashboard/browser_test.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Read off the cooperative pool: the hub serving the browser's model runs in this process.
        let text = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
        return (process.terminationStatus, text)
    }
}
