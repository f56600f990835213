import ArgumentParser
import Foundation

/// Detection options shared by the subcommands.
struct BackendOption: ParsableArguments {
    @Option(help: "Force the backend (cuda, rocm, vulkan, opencl, metal, cpu); also SWITCHYARD_BACKEND.")
    var backend: Backend?

    @Flag(help: "Let software devices (lavapipe, PoCL) count as GPUs; also SWITCHYARD_ALLOW_SOFTWARE_DEVICES=1.")
    var allowSoftwareDevices = false

    @Option(help: "Seconds allowed for GPU detection (default 10); also SWITCHYARD_PROBE_TIMEOUT.")
    var probeTimeout: Double?

    /// The detector configured from these options and the environment.
    func detector() throws -> HostDetector {
        let environment = ProcessInfo.processInfo.environment
        let settings = try DetectionSettings.from(
            environment: environment,
            forced: backend,
            allowSoftwareDevices: allowSoftwareDevices,
            probeTimeout: probeTimeout
        )
        return HostDetector(settings: settings, prober: IsolatedProber(executable: ServeCommand.ownExecutable, environment: environment))
    }
}
