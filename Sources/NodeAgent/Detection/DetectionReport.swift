import Foundation

/// The detection report: the chosen backend and why, the devices engines will use, every probe's
/// outcome, and the host's memory. Served at `GET /v0/system` and printed by `detect --json`.
struct DetectionReport: Codable, Sendable, Equatable {
    var backend: Backend
    var forced: Bool
    var reason: String
    var allowSoftwareDevices: Bool
    /// The chosen backend's usable devices.
    var devices: [GPUDevice]
    /// Every device found, merged across APIs.
    var physicalDevices: [PhysicalDevice]
    /// One entry per backend, in priority order.
    var probes: [BackendProbe]
    var memory: HostMemory
    var cpuCores: Int
    var durationMilliseconds: Int

    enum CodingKeys: String, CodingKey {
        case backend, forced, reason, devices, probes, memory
        case allowSoftwareDevices = "allow_software_devices"
        case physicalDevices = "physical_devices"
        case cpuCores = "cpu_cores"
        case durationMilliseconds = "duration_ms"
    }

    /// One line per device, for the registration sent to the router.
    var deviceSummary: [String] {
        guard !devices.isEmpty else { return ["CPU, \(cpuCores) cores, \(Self.gibibytes(memory.totalBytes)) RAM"] }
        return devices.map { "\($0.name), \(Self.gibibytes($0.memoryTotalBytes))\($0.isSoftware ? " (software)" : "")" }
    }

    /// The start-up log line.
    var summary: String {
        "backend \(backend.rawValue)\(forced ? " (forced)" : ""): \(reason) [detection took \(durationMilliseconds) ms]"
    }

    static func gibibytes(_ bytes: Int64) -> String {
        String(format: "%.1f GiB", Double(bytes) / 1_073_741_824)
    }
}
