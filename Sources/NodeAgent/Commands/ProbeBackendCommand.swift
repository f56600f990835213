import ArgumentParser
import Foundation

/// `switchyard-agent probe-backend B` (hidden): probes one backend in this short-lived process
/// and prints the result as JSON; the agent runs it as an isolated child (see ``IsolatedProber``).
struct ProbeBackendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-backend",
        abstract: "Probe one GPU backend and print the result as JSON (internal).",
        shouldDisplay: false
    )

    @Argument(help: "cuda, rocm, vulkan, opencl or metal")
    var backend: Backend

    func run() throws {
        let settings = try DetectionSettings.from(environment: ProcessInfo.processInfo.environment)
        let probe = NativeProbe.run(backend, settings: settings)
        FileHandle.standardOutput.write(try JSONEncoder().encode(probe))
    }
}
