import Foundation

/// How detection runs: overrides for operators and tests, read from flags and the environment.
///
/// | Environment | Meaning |
/// |---|---|
/// | `SWITCHYARD_BACKEND` | force a backend (also `--backend`) |
/// | `SWITCHYARD_ALLOW_SOFTWARE_DEVICES=1` | let lavapipe/PoCL count as devices (also `--allow-software-devices`) |
/// | `SWITCHYARD_PROBE_TIMEOUT` | seconds allowed for detection as a whole (default 10) |
/// | `SWITCHYARD_CUDA_LIBRARY`, `SWITCHYARD_NVML_LIBRARY`, `SWITCHYARD_VULKAN_LIBRARY`, `SWITCHYARD_OPENCL_LIBRARY` | library paths instead of the standard sonames |
/// | `SWITCHYARD_SYSFS_ROOT` | where sysfs is mounted (default `/sys`) |
struct DetectionSettings: Sendable, Equatable {
    var forced: Backend?
    var allowSoftwareDevices = false
    var probeTimeout: Duration = .seconds(10)
    var cudaLibrary: String?
    var nvmlLibrary: String?
    var vulkanLibrary: String?
    var openCLLibrary: String?
    var sysfsRoot = "/sys"
    /// The environment used for visibility variables (`ROCR_VISIBLE_DEVICES`, …).
    var environment: [String: String] = [:]

    /// Settings from the environment, with command-line values taking precedence.
    static func from(
        environment: [String: String],
        forced: Backend? = nil,
        allowSoftwareDevices: Bool = false,
        probeTimeout: Double? = nil
    ) throws -> DetectionSettings {
        var settings = DetectionSettings(environment: environment)
        if let forced {
            settings.forced = forced
        } else if let name = environment["SWITCHYARD_BACKEND"], !name.isEmpty {
            guard let backend = Backend(rawValue: name.lowercased()) else {
                throw DetectionSettingsError("SWITCHYARD_BACKEND=\(name) is not one of \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.forced = backend
        }
        settings.allowSoftwareDevices =
            allowSoftwareDevices || ["1", "true", "yes"].contains(environment["SWITCHYARD_ALLOW_SOFTWARE_DEVICES"]?.lowercased())
        if let seconds = probeTimeout ?? environment["SWITCHYARD_PROBE_TIMEOUT"].flatMap(Double.init) {
            guard seconds > 0, seconds <= 600 else { throw DetectionSettingsError("the probe timeout must be between 0 and 600 seconds") }
            settings.probeTimeout = .milliseconds(Int(seconds * 1000))
        }
        settings.cudaLibrary = environment["SWITCHYARD_CUDA_LIBRARY"]?.nilIfEmpty
        settings.nvmlLibrary = environment["SWITCHYARD_NVML_LIBRARY"]?.nilIfEmpty
        settings.vulkanLibrary = environment["SWITCHYARD_VULKAN_LIBRARY"]?.nilIfEmpty
        settings.openCLLibrary = environment["SWITCHYARD_OPENCL_LIBRARY"]?.nilIfEmpty
        settings.sysfsRoot = environment["SWITCHYARD_SYSFS_ROOT"]?.nilIfEmpty ?? "/sys"
        return settings
    }
}

/// A detection setting that cannot be used.
struct DetectionSettingsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
