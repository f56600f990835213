import Foundation
import NIOHTTP1
import Testing

/// `--engine FORMAT=URL`: an external OpenAI-compatible engine serves a format's models (here a
/// llama-server the test runs itself, standing where vLLM or mlx_lm.server would).
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct ExternalEngineTests {
    @Test func requestsForTheFormatGoToTheDeclaredEngine() async throws {
        try await withFleet(agents: 0) { fleet in
            let external = try await ExternalEngine.start(in: fleet, serving: TestEnvironment.chatModel)
            defer { external.process.kill() }
            let agent = try await fleet.startAgent(name: "external", extraArguments: ["--engine", "gguf=\(external.url)"])
            let (status, body) = try await fleet.call(
                .POST,
                "/v1/chat/completions",
                json: #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
            )
            #expect(status == 200, "\(body)")
            #expect(EngineProcesses.of(agent).isEmpty, "the agent started no engine of its own")
            #expect(try await external.tokensPredicted() > 0, "the external engine generated the tokens")
        }
    }
}
