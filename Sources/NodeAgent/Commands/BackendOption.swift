import ArgumentParser
import Foundation

/// `--backend` shared by the subcommands: forces a backend (also `SWITCHYARD_BACKEND`).
struct BackendOption: ParsableArguments {
    @Option(help: "Force the backend (cuda, rocm, vulkan, opencl, metal, cpu); also SWITCHYARD_BACKEND.")
    var backend: Backend?

    /// The detector with the override from the flag or the environment applied.
    var detector: HostDetector {
        let fromEnvironment = ProcessInfo.processInfo.environment["SWITCHYARD_BACKEND"].flatMap(Backend.init(rawValue:))
        return HostDetector(forced: backend ?? fromEnvironment)
    }
}
