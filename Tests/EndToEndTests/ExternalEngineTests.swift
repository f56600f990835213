import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `--engine FORMAT=URL`: an external OpenAI-compatible engine serves a format's models (here a
/// llama-server the test runs itself, standing where vLLM or mlx_lm.server would).
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct ExternalEngineTests {
    @Test func requestsForTheFormatGoToTheDeclaredEngine() async throws {
        try await withFleet(agents: 0) { fleet in
            let model = fleet.environment.modelsDirectory.appendingPathComponent(TestEnvironment.chatModel)
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: model.path).first { $0.hasSuffix(".gguf") })
            let external = try ManagedProcess(
                name: "external-engine",
                executable: fleet.environment.llamaServer,
                arguments: [
                    "-m", model.appendingPathComponent(file).path, "--host", "127.0.0.1", "--port", "0", "-t", "1", "-c", "2048", "--metrics",
                ],
                environment: [:],
                logDirectory: fleet.directory
            )
            defer { external.kill() }
            let line = try await external.waitForLogLine(containing: "listening on", timeout: .seconds(60))
            let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })

            let agent = try await fleet.startAgent(name: "external", extraArguments: ["--engine", "gguf=http://127.0.0.1:\(port)/v1"])
            let (status, body) = try await fleet.call(
                .POST,
                "/v1/chat/completions",
                json: #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
            )
            #expect(status == 200, "\(body)")
            #expect(EngineProcesses.of(agent).isEmpty, "the agent started no engine of its own")
            var metrics = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
            metrics.method = .GET
            let text = String(buffer: try await HTTPClient.shared.execute(metrics, timeout: .seconds(10)).body.collect(upTo: 1 << 20))
            let predicted = text.split(separator: "\n").first { $0.hasPrefix("llamacpp:tokens_predicted_total") }
            #expect(predicted.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0 > 0, "the external engine generated the tokens")
        }
    }
}
