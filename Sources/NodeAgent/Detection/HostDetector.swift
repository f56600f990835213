import Foundation

/// Detects this host's backend: CUDA, Vulkan, OpenCL (and Metal on macOS) each in an isolated
/// child process, concurrently, under one deadline; ROCm from sysfs in process; then
/// ``BackendSelection`` decides.
///
/// The probes run concurrently so that a hung driver costs the configured timeout once, not once
/// per backend; each API initialises in its own process, as separate applications do.
struct HostDetector: Sendable {
    var settings: DetectionSettings
    var prober: IsolatedProber

    /// The backends probed in a child process on this platform.
    static var isolatedBackends: [Backend] {
        #if os(macOS)
        [.metal, .vulkan, .opencl]
        #else
        [.cuda, .vulkan, .opencl]
        #endif
    }

    func detect() async -> DetectionReport {
        let start = ContinuousClock.now
        let deadline = start + settings.probeTimeout
        var probes = await withTaskGroup(of: BackendProbe.self) { group in
            for backend in Self.isolatedBackends {
                group.addTask { await prober.probe(backend, deadline: deadline) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #if os(Linux)
        probes.append(NativeProbe.run(.rocm, settings: settings))
        #endif
        let order = BackendSelection.priority
        probes.sort { (order.firstIndex(of: $0.backend) ?? 99) < (order.firstIndex(of: $1.backend) ?? 99) }
        let selection = BackendSelection.choose(from: probes, settings: settings)
        return DetectionReport(
            backend: selection.backend,
            forced: selection.forced,
            reason: selection.reason,
            allowSoftwareDevices: settings.allowSoftwareDevices,
            devices: selection.devices,
            physicalDevices: PhysicalDevice.merge(probes),
            probes: probes,
            memory: HostMemory.read(),
            cpuCores: ProcessInfo.processInfo.activeProcessorCount,
            durationMilliseconds: NativeProbe.milliseconds(since: start)
        )
    }
}
