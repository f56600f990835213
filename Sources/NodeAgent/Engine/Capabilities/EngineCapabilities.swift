import Foundation

/// What the configured `llama-server` can run on, as the engine itself says: its version, the
/// backends compiled in (or loaded as modules), and the devices it sees, named as it names them
/// (`CUDA0`, `Vulkan0`, `ROCm0`, `Metal`). Probed once at start (``EngineProbe``) and shown in
/// `detect`, `GET /v0/system`, the start-up log and the registration.
struct EngineCapabilities: Codable, Sendable, Equatable {
    var path: String
    /// The version line of `--version`, e.g. `0.6.0-dev (build 11434, commit unknown)`.
    var version: String?
    /// Backends the engine has, as it names them (`CPU`, `CUDA`, `Vulkan`, …), CPU first.
    var backends: [String]
    /// Non-CPU devices the engine sees, in its own order.
    var devices: [EngineDevice]
    /// Why the probe failed (the engine would not run, timed out, or printed nothing usable).
    var problem: String?
    /// What went wrong short of that (the device list could not be read).
    var warning: String?

    enum CodingKeys: String, CodingKey {
        case path, version, backends, devices, problem, warning
    }

    /// Whether the engine has `backend` (the CPU always; OpenCL never, see ``Backend/engineName``).
    func has(_ backend: Backend) -> Bool {
        guard let name = backend.engineName else { return backend == .cpu }
        return backends.contains(name)
    }

    /// The engine's devices of `backend`, in the engine's order.
    func devices(of backend: Backend) -> [EngineDevice] {
        devices.filter { $0.backend == backend }
    }

    /// One line for logs and the registration: `b11434 (CPU, Vulkan; Vulkan0 llvmpipe 15.6 GiB)`.
    var summary: String {
        if let problem { return "unusable: \(problem)" }
        let build = version.flatMap { $0.firstMatch(of: /build (\d+)/).map { "b\($0.1)" } } ?? version ?? "unknown version"
        let devices = devices.map { "\($0.name) \($0.description) \(DetectionReport.gibibytes($0.memoryTotalBytes))" }
        return "\(build) (\(backends.joined(separator: ", "))\(devices.isEmpty ? "; no GPU device" : "; " + devices.joined(separator: ", ")))"
    }
}

/// One device as the engine lists it (`llama-server --list-devices`).
struct EngineDevice: Codable, Sendable, Equatable {
    /// The engine's name for it, used with `--device` (`CUDA0`).
    var name: String
    /// The device description, e.g. `NVIDIA H100 80GB HBM3`.
    var description: String
    /// The agent's backend this device belongs to, when it is one the agent knows.
    var backend: Backend?
    var memoryTotalBytes: Int64
    var memoryFreeBytes: Int64

    enum CodingKeys: String, CodingKey {
        case name, description, backend
        case memoryTotalBytes = "memory_total_bytes"
        case memoryFreeBytes = "memory_free_bytes"
    }
}

extension Backend {
    /// llama.cpp's name for this backend (its device names are this plus an index), or nil for
    /// the CPU and for OpenCL, which the pinned llama.cpp offers only on Adreno GPUs.
    var engineName: String? {
        switch self {
        case .cuda: "CUDA"
        case .rocm: "ROCm"
        case .vulkan: "Vulkan"
        case .metal: "Metal"
        case .opencl, .cpu: nil
        }
    }

    /// The backend whose devices llama.cpp names with this prefix (`CUDA0` → CUDA).
    init?(engineDeviceName name: String) {
        let prefix = String(name.prefix { !$0.isNumber })
        // Newer llama.cpp names Metal devices MTL0, MTL1, …
        if prefix == "MTL" {
            self = .metal
            return
        }
        guard let backend = Backend.allCases.first(where: { $0.engineName == prefix }) else { return nil }
        self = backend
    }
}
