/// What compatibility needs to know about the host: its backend and how much memory a model
/// can use there.
struct HostProfile: Sendable, Equatable {
    var backend: Backend
    /// Total memory of each usable device of the backend (empty on the CPU, or when a forced
    /// backend has no detected device).
    var deviceMemoryBytes: [Int64]
    /// System RAM, which CPU inference uses.
    var ramBytes: Int64

    init(backend: Backend, deviceMemoryBytes: [Int64], ramBytes: Int64) {
        self.backend = backend
        self.deviceMemoryBytes = deviceMemoryBytes
        self.ramBytes = ramBytes
    }

    init(report: DetectionReport) {
        self.init(backend: report.backend, deviceMemoryBytes: report.devices.map(\.memoryTotalBytes), ramBytes: report.memory.totalBytes)
    }
}
