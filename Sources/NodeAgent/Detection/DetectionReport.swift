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
    /// What the managed `llama-server` can run on (nil when none is configured).
    var engine: EngineCapabilities?
    /// Where that engine runs GGUF models on this host, and why the CPU when it does.
    var engineTarget: EngineTarget?
    /// Memory engines hold on each device now (served by `GET /v0/system` only).
    var deviceMemory: [DeviceLedger.Account]?
    /// The engines running now and the devices each sits on (`GET /v0/system` only).
    var runningEngines: [RunningEngine]?

    enum CodingKeys: String, CodingKey {
        case backend, forced, reason, devices, probes, memory, engine
        case engineTarget = "engine_target"
        case deviceMemory = "device_memory"
        case runningEngines = "running_engines"
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
        var line = "backend \(backend.rawValue)\(forced ? " (forced)" : ""): \(reason) [detection took \(durationMilliseconds) ms]"
        if let engine, engine.problem == nil { line += "; llama-server \(engine.summary)" }
        if let engineTarget { line += "; \(engineTarget.summary)" }
        return line
    }

    /// The engine and where it runs GGUF models, for the registration (nil without an engine).
    var engineSummary: String? {
        guard let engine else { return nil }
        return "llama-server \(engine.summary)" + (engineTarget.map { "; \($0.summary)" } ?? "")
    }

    /// This report with what `engine` can do and where it runs GGUF models.
    func with(engine: EngineCapabilities?) -> DetectionReport {
        var report = self
        report.engine = engine
        report.engineTarget = engine.map { EngineTarget.resolve(report: self, engine: $0) }
        return report
    }

    static func gibibytes(_ bytes: Int64) -> String {
        String(format: "%.1f GiB", Double(bytes) / 1_073_741_824)
    }
}
