import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One running `llama-server`, started through the engine guard, serving one model on a private
/// loopback port.
///
/// `@unchecked Sendable`: every stored property is immutable after launch, and Foundation's
/// `Process` and `FileHandle` are safe to use from any thread.
final class EngineProcess: @unchecked Sendable {
    let modelID: String
    /// `http://127.0.0.1:PORT`.
    let baseURL: String
    private let process: Process
    private let controlPipe: Pipe

    private init(modelID: String, port: Int, process: Process, controlPipe: Pipe) {
        self.modelID = modelID
        self.baseURL = "http://127.0.0.1:\(port)"
        self.process = process
        self.controlPipe = controlPipe
    }

    /// Whether the engine process is still alive.
    var isRunning: Bool { process.isRunning }

    /// The engine's exit status (the guard exits with it), once it is no longer running.
    var terminationStatus: Int32 { process.isRunning ? 0 : process.terminationStatus }

    /// Starts an engine for `model` and waits until it answers `GET /health` with 200; returns
    /// it with what its log says about where it loaded the model.
    /// - Throws: ``EngineError`` when it cannot start, exits early, or is not ready in time.
    static func launch(
        model: LocalModel,
        settings: EngineSettings,
        placement: Placement,
        client: HTTPClient,
        logger: Logger
    ) async throws -> (engine: EngineProcess, load: EngineLoad?) {
        let port = try await FreePort.find()
        try FileManager.default.createDirectory(at: settings.logDirectory, withIntermediateDirectories: true)
        let logURL = settings.logDirectory.appendingPathComponent(model.id.replacingOccurrences(of: "/", with: "--") + ".log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = settings.guardExecutable
        process.arguments = ["engine-guard", "--", settings.llamaServer.path] + settings.arguments(for: model, port: port, placement: placement)
        process.environment = settings.environment
        let controlPipe = Pipe()
        process.standardInput = controlPipe
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw EngineError.cannotStart(model: model.id, reason: "\(error)")
        }
        let engine = EngineProcess(modelID: model.id, port: port, process: process, controlPipe: controlPipe)
        logger.info(
            "starting engine",
            metadata: [
                "model": "\(model.id)", "engine.pid": "\(process.processIdentifier)", "devices": "\(placement.devices.joined(separator: ","))",
            ]
        )
        do {
            try await engine.awaitReady(client: client, timeout: settings.startTimeout, logURL: logURL)
        } catch {
            engine.stop()
            throw error
        }
        let load = EngineLoad.read(from: logURL)
        let layers = load.map { "\($0.offloadedLayers)/\($0.layers)" } ?? "not reported"
        logger.info("engine ready", metadata: ["model": "\(model.id)", "layers.offloaded": "\(layers)"])
        if placement.backend != .cpu, let load, !load.isFullyOffloaded {
            logger.warning(
                "the engine kept layers off the GPU it was placed on",
                metadata: ["model": "\(model.id)", "layers.offloaded": "\(layers)", "devices": "\(placement.devices.joined(separator: ","))"]
            )
        }
        return (engine, load)
    }

    private func awaitReady(client: HTTPClient, timeout: Duration, logURL: URL) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw EngineError.exited(model: modelID, status: process.terminationStatus, logTail: Self.tail(of: logURL))
            }
            var request = HTTPClientRequest(url: baseURL + "/health")
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(2)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EngineError.notReady(model: modelID, timeout: timeout)
    }

    /// Stops the engine: closes the guard's control pipe and sends it SIGTERM (the guard
    /// forwards it, and escalates to SIGKILL after its grace period).
    func stop() {
        try? controlPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Stops the engine and waits until the guard, which outlives its engine, has exited.
    func stop(waitingAtMost timeout: Duration) async {
        stop()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private static func tail(of url: URL) -> String {
        guard let data = try? Data(contentsOf: url) else { return "" }
        let lines = String(decoding: data.suffix(4096), as: UTF8.self).split(separator: "\n")
        return lines.suffix(5).joined(separator: "\n")
    }
}

/// Why an engine could not be brought up.
enum EngineError: Error, CustomStringConvertible {
    /// Seconds a client should wait before trying again.
    var retryAfterSeconds: Int {
        if case .backingOff(_, let wait) = self { return max(1, Int(wait.components.seconds) + 1) }
        return 5
    }

    case cannotStart(model: String, reason: String)
    case exited(model: String, status: Int32, logTail: String)
    case notReady(model: String, timeout: Duration)
    case backingOff(model: String, retryAfter: Duration)
    case noMemory(model: String, needed: Int64, free: Int64)

    var description: String {
        switch self {
        case .cannotStart(let model, let reason): "engine for \(model) cannot start: \(reason)"
        case .exited(let model, let status, let tail): "engine for \(model) exited with status \(status): \(tail)"
        case .notReady(let model, let timeout): "engine for \(model) was not ready within \(timeout)"
        case .backingOff(let model, let wait): "engine for \(model) keeps failing; next start in \(wait)"
        case .noMemory(let model, let needed, let free):
            "engine for \(model) needs \(DetectionReport.gibibytes(needed)) but busy engines leave \(DetectionReport.gibibytes(free))"
        }
    }
}
