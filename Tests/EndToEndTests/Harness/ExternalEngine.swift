import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain llama-server the test runs itself, serving a bundled model, standing where an
/// external engine (vLLM, mlx_lm.server, a Metal box's engine) would be declared with `--engine`.
struct ExternalEngine {
    let process: ManagedProcess
    let port: Int

    /// `http://127.0.0.1:PORT/v1`, as `--engine FORMAT=URL` takes it.
    var url: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts the engine on `model` (an ID below the bundled models directory) and waits until
    /// it listens, on `port` (0: any free one) with `extraArguments` (such as `--api-key`).
    static func start(in fleet: Fleet, serving model: String, port: Int = 0, extraArguments: [String] = []) async throws -> ExternalEngine {
        let directory = fleet.environment.modelsDirectory.appendingPathComponent(model)
        guard let file = try FileManager.default.contentsOfDirectory(atPath: directory.path).first(where: { $0.hasSuffix(".gguf") }) else {
            throw HarnessError("no GGUF file in \(directory.path)")
        }
        return try await launch(
            in: fleet,
            name: "external-engine",
            ["-m", directory.appendingPathComponent(file).path, "-c", "2048"] + extraArguments,
            port: port
        )
    }

    /// Starts `llama-server` in router mode over `modelsDirectory` (it starts a model's own
    /// server on its first request) and waits until it listens.
    static func startRouterMode(in fleet: Fleet, modelsDirectory: URL, port: Int = 0) async throws -> ExternalEngine {
        try await launch(in: fleet, name: "router-mode-engine", ["--models-dir", modelsDirectory.path, "--models-max", "1"], port: port)
    }

    private static func launch(in fleet: Fleet, name: String, _ arguments: [String], port: Int) async throws -> ExternalEngine {
        let process = try ManagedProcess(
            name: name,
            executable: fleet.environment.llamaServer,
            arguments: arguments + ["--host", "127.0.0.1", "--port", String(port), "-t", "1", "--metrics"],
            environment: [:],
            logDirectory: fleet.directory
        )
        let line = try await process.waitForLogLine(containing: "listening on", timeout: .seconds(60))
        guard let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            process.kill()
            throw HarnessError("no port in the engine's line: \(line)")
        }
        return ExternalEngine(process: process, port: port)
    }

    /// Tokens the engine has generated so far (its Prometheus `tokens_predicted_total`).
    func tokensPredicted() async throws -> Double {
        var metrics = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        metrics.method = .GET
        let text = String(buffer: try await HTTPClient.shared.execute(metrics, timeout: .seconds(10)).body.collect(upTo: 1 << 20))
        let predicted = text.split(separator: "\n").first { $0.hasPrefix("llamacpp:tokens_predicted_total") }
        return predicted.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}
