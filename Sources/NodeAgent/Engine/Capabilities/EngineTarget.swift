/// Where the managed `llama-server` runs GGUF models on this host: on the devices of the host's
/// GPU backend that the engine sees, or on the CPU, and then why.
///
/// A GPU counts only when the engine has that backend and sees a device detection chose: a
/// CPU-only engine on a CUDA host computes on the CPU, whatever the offload flags say.
struct EngineTarget: Codable, Sendable, Equatable {
    /// The backend the engine computes on.
    var backend: Backend
    /// The devices it computes on (empty on the CPU), with the engine's names and figures.
    var devices: [TargetDevice]
    /// Why GGUF models run on the CPU of a GPU host, or why the engine cannot run at all.
    var note: String?
    /// Whether the engine cannot run models at all (its probe failed).
    var unusable = false

    enum CodingKeys: String, CodingKey {
        case backend, devices, note, unusable
    }

    /// One line for people: where GGUF models run, or the note saying why not on the GPU.
    var summary: String {
        if let note { return note }
        guard backend != .cpu else { return "GGUF models run on the CPU" }
        return "GGUF models run on \(devices.map { "\($0.name) (\($0.detectedName))" }.joined(separator: ", "))"
    }

    /// Where `engine` runs GGUF models given detection's `report`. Nil `engine` (no managed
    /// engine) takes the host's backend and devices as they are.
    static func resolve(report: DetectionReport, engine: EngineCapabilities?) -> EngineTarget {
        let detected = report.devices.map { TargetDevice(detected: $0) }
        guard let engine else { return EngineTarget(backend: report.backend, devices: detected) }
        if let problem = engine.problem {
            return EngineTarget(backend: report.backend, devices: [], note: "llama-server at \(engine.path) does not run: \(problem)", unusable: true)
        }
        guard report.backend != .cpu else { return EngineTarget(backend: .cpu, devices: []) }
        guard let name = report.backend.engineName else {
            return cpu("llama.cpp has no \(report.backend.displayName) backend for this host's devices: GGUF models will run on the CPU")
        }
        guard engine.has(report.backend) else {
            return cpu(
                "llama-server at \(engine.path) has no \(name) backend: GGUF models will run on the CPU; "
                    + "build it with \(name) or point --llama-server at a \(name) build"
            )
        }
        // A forced backend detection found no device for is the operator's word: the engine's
        // own devices of that backend are used.
        let engineDevices = engine.devices(of: report.backend)
        let matched =
            report.forced && report.devices.isEmpty
            ? engineDevices.map { TargetDevice(engine: $0, detectedName: $0.description) }
            : match(engineDevices, to: report.devices)
        guard !matched.isEmpty else {
            let detectedNames = report.devices.map(\.name).joined(separator: ", ")
            let sees =
                detectedNames.isEmpty
                ? "lists no \(name) device" : "sees none of the detected devices (\(detectedNames))"
            return cpu("llama-server at \(engine.path) has the \(name) backend but \(sees): GGUF models will run on the CPU")
        }
        return EngineTarget(backend: report.backend, devices: matched)
    }

    private static func cpu(_ note: String) -> EngineTarget {
        EngineTarget(backend: .cpu, devices: [], note: note)
    }

    /// Pairs the engine's devices with detected ones: by name where the engine's description
    /// names the device, else in order (both lists follow the driver's order after the same
    /// visibility filter). Engine devices with no detected counterpart are left out.
    static func match(_ engineDevices: [EngineDevice], to detected: [GPUDevice]) -> [TargetDevice] {
        var unused = detected
        var result: [TargetDevice] = []
        for device in engineDevices {
            let description = device.description.lowercased()
            let byName = unused.firstIndex {
                !$0.name.isEmpty && (description.contains($0.name.lowercased()) || $0.name.lowercased().contains(description))
            }
            guard let index = byName ?? (unused.isEmpty ? nil : unused.startIndex) else { continue }
            result.append(TargetDevice(engine: device, detected: unused.remove(at: index)))
        }
        return result
    }
}

/// One device engines are placed on: the engine's name for it and its memory.
struct TargetDevice: Codable, Sendable, Equatable {
    /// The engine's name, as `--device` takes it (`CUDA0`); the detected name for external engines.
    var name: String
    /// The device as detection names it.
    var detectedName: String
    var memoryTotalBytes: Int64
    /// Free memory when the engine or detection could tell; the total otherwise.
    var memoryFreeBytes: Int64

    enum CodingKeys: String, CodingKey {
        case name
        case detectedName = "detected_name"
        case memoryTotalBytes = "memory_total_bytes"
        case memoryFreeBytes = "memory_free_bytes"
    }

    init(name: String, detectedName: String, memoryTotalBytes: Int64, memoryFreeBytes: Int64) {
        self.name = name
        self.detectedName = detectedName
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryFreeBytes = memoryFreeBytes
    }

    init(engine: EngineDevice, detected: GPUDevice) {
        let total = engine.memoryTotalBytes > 0 ? engine.memoryTotalBytes : detected.memoryTotalBytes
        let free = engine.memoryFreeBytes > 0 ? engine.memoryFreeBytes : (detected.memoryFreeBytes ?? total)
        self.init(name: engine.name, detectedName: detected.name, memoryTotalBytes: total, memoryFreeBytes: free)
    }

    init(engine: EngineDevice, detectedName: String) {
        self.init(name: engine.name, detectedName: detectedName, memoryTotalBytes: engine.memoryTotalBytes, memoryFreeBytes: engine.memoryFreeBytes)
    }

    init(detected: GPUDevice) {
        let name = detected.backend.engineName.map { "\($0)\(detected.index)" } ?? detected.name
        self.init(
            name: name,
            detectedName: detected.name,
            memoryTotalBytes: detected.memoryTotalBytes,
            memoryFreeBytes: detected.memoryFreeBytes ?? detected.memoryTotalBytes
        )
    }
}
