import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The official Python SDKs against the router: `openai` (`scripts/conformance/openai_sdk.py`:
/// models, chat plain and streamed, completions, embeddings, the Responses API) and `anthropic`
/// (`scripts/conformance/anthropic_sdk.py`: messages plain and streamed, token counting, the
/// model list), with errors surfacing as each SDK's own exception classes.
@Suite(.serialized, .enabled(if: TestEnvironment.shouldRun, "needs the engine and models from scripts/setup.sh"))
struct ClientConformanceTests {
    static var python: URL? {
        ProcessInfo.processInfo.environment["SWITCHYARD_PYTHON"].map(URL.init(fileURLWithPath:))
    }

    func runScript(_ fleet: Fleet, _ name: String = "openai_sdk.py", extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let python = try #require(Self.python, "SWITCHYARD_PYTHON is not set (scripts/test.sh sets it)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/conformance/\(name)")
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            [
                "SWITCHYARD_URL": fleet.routerURL, "SWITCHYARD_KEY": fleet.adminKey,
                "CHAT_MODEL": TestEnvironment.chatModel, "EMBEDDING_MODEL": TestEnvironment.embeddingModel,
            ].merging(extra) { $1 }
        ) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func theOfficialSDKWorksAgainstTheRouter() async throws {
        try await withFleet { fleet in
            let (status, output) = try runScript(fleet)
            #expect(status == 0, "\(output)")
            #expect(output.contains("conformance checks passed"))
        }
    }

    @Test func theAnthropicSDKWorksAgainstTheRouter() async throws {
        try await withFleet { fleet in
            let (status, output) = try runScript(fleet, "anthropic_sdk.py")
            #expect(status == 0, "\(output)")
            #expect(output.contains("conformance checks passed"))
        }
    }

    @Test func aFullQueueIsTheSDKsRateLimitError() async throws {
        try await withFleet(agents: 0, routerArguments: ["--queue-depth", "0"]) { fleet in
            try await fleet.startAgent(name: "single", extraArguments: ["--slots", "1"])
            let body =
                #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 2000, "ignore_eos": true, "stream": true, "messages": [{"role": "user", "content": "Write a long story."}]}"#
            let response = try await fleet.send(.POST, "/v1/chat/completions", json: body)
            var chunks = response.body.makeAsyncIterator()
            _ = try await chunks.next()  // the only slot is now taken
            let (status, output) = try runScript(fleet, extra: ["BUSY_STREAM": "1"])
            #expect(status == 0, "\(output)")
        }
    }
}
