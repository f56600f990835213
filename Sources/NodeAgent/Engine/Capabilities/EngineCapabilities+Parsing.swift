import Foundation

extension EngineCapabilities {
    /// Reads the engine's answers: `versionOutput` from `llama-server --version` and
    /// `devicesOutput` from `llama-server -lv 4 --list-devices` (standard output and error
    /// together; verbosity 4 makes the engine log the backends it loads).
    ///
    /// Backends come from the engine's own start-up lines: `load_backend: loaded Vulkan backend
    /// from …` where backends are modules (`GGML_BACKEND_DL`), `ggml_cuda_init:`/`ggml_vulkan:`
    /// lines where they are linked in, and the names of the devices listed. Devices come from
    /// the `Available devices:` block, one `  NAME: DESCRIPTION (TOTAL MiB, FREE MiB free)` each.
    static func parse(path: String, versionOutput: String, devicesOutput: String) -> EngineCapabilities {
        let version = versionOutput.split(whereSeparator: \.isNewline).lazy
            .compactMap { $0.firstMatch(of: /^version: (.+)$/).map { String($0.1) } }.first
        var devices: [EngineDevice] = []
        var backends: [String] = ["CPU"]
        func add(_ backend: String) {
            if !backends.contains(backend) { backends.append(backend) }
        }
        var inList = false
        for line in devicesOutput.split(whereSeparator: \.isNewline) {
            if let loaded = line.firstMatch(of: /load_backend: loaded ([A-Za-z0-9_-]+) backend/) {
                add(String(loaded.1))
            } else if line.contains("ggml_cuda_init:") {
                add(line.contains("ROCm") || line.contains("HIP") ? "ROCm" : "CUDA")
            } else if line.contains("ggml_vulkan:") {
                add("Vulkan")
            } else if line.contains("ggml_metal") {
                add("Metal")
            } else if line.hasPrefix("Available devices:") {
                inList = true
            } else if inList, let device = Self.device(from: line) {
                devices.append(device)
                add(device.backend?.engineName ?? String(device.name.prefix { !$0.isNumber }))
            }
        }
        let problem: String? =
            version == nil && !devicesOutput.contains("Available devices:")
            ? "no version and no device list in its output" : nil
        return EngineCapabilities(path: path, version: version, backends: backends, devices: devices, problem: problem)
    }

    /// One `  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80546 MiB free)` line.
    private static func device(from line: Substring) -> EngineDevice? {
        guard let match = line.firstMatch(of: /^\s+([A-Za-z]+[0-9]*): (.*) \((\d+) MiB, (\d+) MiB free\)\s*$/),
            let total = Int64(match.3), let free = Int64(match.4)
        else { return nil }
        let name = String(match.1)
        return EngineDevice(
            name: name,
            description: String(match.2),
            backend: Backend(engineDeviceName: name),
            memoryTotalBytes: total << 20,
            memoryFreeBytes: free << 20
        )
    }

    /// An engine that could not be asked.
    static func unusable(path: String, problem: String) -> EngineCapabilities {
        EngineCapabilities(path: path, version: nil, backends: [], devices: [], problem: problem)
    }
}
