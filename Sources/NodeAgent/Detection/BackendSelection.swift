/// Chooses the backend from the probes: a pure function, so every rule is testable with
/// fixtures.
///
/// Rules: a forced backend is used as given (the reason says so, and says when it has no usable
/// device). Otherwise the first of CUDA > ROCm > Metal > Vulkan > OpenCL that has a usable
/// device wins, else the CPU. Software devices are usable only when allowed. Visibility
/// variables filter the chosen backend's devices.
struct BackendSelection: Sendable, Equatable {
    var backend: Backend
    var forced: Bool
    var reason: String
    /// The chosen backend's usable, visible devices.
    var devices: [GPUDevice]

    static let priority: [Backend] = [.cuda, .rocm, .metal, .vulkan, .opencl]

    static func choose(from probes: [BackendProbe], settings: DetectionSettings) -> BackendSelection {
        func usable(_ backend: Backend) -> [GPUDevice] {
            let devices = probes.first { $0.backend == backend && $0.status == .ok }?.devices ?? []
            let allowed = devices.filter { !$0.isSoftware || settings.allowSoftwareDevices }
            return DeviceVisibility.filter(allowed, backend: backend, environment: settings.environment)
        }
        if let forced = settings.forced {
            let devices = usable(forced)
            let note = devices.isEmpty && forced != .cpu ? "; detection found no usable \(forced.rawValue) device" : ""
            return BackendSelection(backend: forced, forced: true, reason: "forced by the operator\(note)", devices: devices)
        }
        for backend in priority {
            let devices = usable(backend)
            if !devices.isEmpty {
                let names = devices.map(\.name).joined(separator: ", ")
                return BackendSelection(
                    backend: backend,
                    forced: false,
                    reason: "\(devices.count) usable \(backend.rawValue) device(s): \(names)",
                    devices: devices
                )
            }
        }
        return BackendSelection(backend: .cpu, forced: false, reason: cpuReason(probes, settings: settings), devices: [])
    }

    private static func cpuReason(_ probes: [BackendProbe], settings: DetectionSettings) -> String {
        let software = probes.flatMap(\.devices).filter(\.isSoftware)
        if !software.isEmpty && !settings.allowSoftwareDevices {
            let names = Set(software.map(\.name)).sorted().joined(separator: ", ")
            return "no GPU: only software devices (\(names)); set SWITCHYARD_ALLOW_SOFTWARE_DEVICES=1 or --allow-software-devices to use them"
        }
        let outcomes = probes.filter { $0.status != .skipped }.map { probe in
            "\(probe.backend.rawValue) \(probe.status.rawValue)" + (probe.code.map { " (\($0))" } ?? "")
        }
        return "no usable GPU (\(outcomes.joined(separator: ", "))); running on the CPU"
    }
}
