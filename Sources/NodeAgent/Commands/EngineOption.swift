import ArgumentParser
import Foundation

/// The managed engine's option, shared by `serve`, `detect` and `models`: which `llama-server`
/// to drive, and what it can run on.
struct EngineOption: ParsableArguments {
    @Option(help: "Path to the llama-server executable (default: llama-server on PATH).", completion: .file())
    var llamaServer: String?

    /// The llama-server named, else one on PATH; nil when there is none.
    /// - Throws: `ValidationError` when the named file is not executable.
    func locate() throws -> URL? {
        if let llamaServer {
            guard FileManager.default.isExecutableFile(atPath: llamaServer) else {
                throw ValidationError("--llama-server \(llamaServer) is not an executable file")
            }
            return URL(fileURLWithPath: llamaServer).standardizedFileURL
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").lazy
            .map { URL(fileURLWithPath: "\($0)/llama-server") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// `report` completed with what `executable` can run on (probed with the environment its
    /// engines will get), or unchanged when there is no managed engine.
    static func inspect(_ executable: URL?, report: DetectionReport) async -> DetectionReport {
        guard let executable else { return report }
        let capabilities = await EngineProbe(
            executable: executable,
            environment: EngineEnvironment.variables(for: report, base: ProcessInfo.processInfo.environment)
        ).run()
        return report.with(engine: capabilities)
    }
}
