/// The outcome of probing one backend: what happened, and the devices it found.
struct BackendProbe: Codable, Sendable, Equatable {
    /// How the probe ended.
    enum Status: String, Codable, Sendable {
        /// The API answered and listed at least one device.
        case ok
        /// The runtime library is not on this host.
        case notInstalled
        /// The library exists but lacks required entry points (a stub or a wrong version).
        case unusableLibrary
        /// The runtime failed to initialise (`code` holds the native error).
        case initFailed
        /// The runtime works but has no device.
        case noDevices
        /// Initialisation worked, a later query failed.
        case queryFailed
        /// The probe did not finish within the timeout (a hung driver).
        case timedOut
        /// The probe process died from a signal (`signal` holds it).
        case crashed
        /// Not probed on this platform or by configuration.
        case skipped
    }

    var backend: Backend
    var status: Status
    /// The native error code of the failing call (CUresult, VkResult, cl_int).
    var code: Int?
    /// The signal that killed the probe, for `crashed`.
    var signal: Int?
    /// A sentence for people.
    var message: String
    /// The library that was opened, if any.
    var library: String?
    /// The runtime API version (CUDA driver API, Vulkan instance, OpenCL platform).
    var apiVersion: String?
    /// The kernel driver version, when known (NVML, amdgpu).
    var driverVersion: String?
    var devices: [GPUDevice]
    /// How long the probe took.
    var durationMilliseconds: Int

    enum CodingKeys: String, CodingKey {
        case backend, status, code, signal, message, library, devices
        case apiVersion = "api_version"
        case driverVersion = "driver_version"
        case durationMilliseconds = "duration_ms"
    }

    /// A probe that did not produce devices.
    static func failed(
        _ backend: Backend,
        _ status: Status,
        message: String,
        code: Int? = nil,
        signal: Int? = nil,
        duration: Int = 0
    )
        -> BackendProbe
    {
        BackendProbe(
            backend: backend,
            status: status,
            code: code,
            signal: signal,
            message: message,
            library: nil,
            apiVersion: nil,
            driverVersion: nil,
            devices: [],
            durationMilliseconds: duration
        )
    }
}
