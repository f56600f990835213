import CGPUShims
import Foundation
import Shared

/// Runs one backend's probe in this process: the C shims for CUDA, Vulkan and OpenCL, sysfs for
/// ROCm, the Metal framework on macOS. Called inside the isolated probe child (see
/// ``IsolatedProber``); running a vendor probe in the agent itself would let a broken driver
/// take the agent down.
enum NativeProbe {
    /// The most devices one probe reports.
    static let capacity: Int32 = 64

    /// Probes `backend` with the library overrides in `settings`.
    static func run(_ backend: Backend, settings: DetectionSettings) -> BackendProbe {
        let start = ContinuousClock.now
        var probe: BackendProbe
        switch backend {
        case .cuda:
            probe = shim(.cuda) { devices, capacity, result in
                sy_probe_cuda(settings.cudaLibrary, settings.nvmlLibrary, devices, capacity, result)
            }
        case .vulkan:
            probe = shim(.vulkan) { sy_probe_vulkan(settings.vulkanLibrary, $0, $1, $2) }
        case .opencl:
            probe = shim(.opencl) { sy_probe_opencl(settings.openCLLibrary, $0, $1, $2) }
        case .rocm:
            probe = ROCmProbe(root: URL(fileURLWithPath: settings.sysfsRoot)).run()
        case .metal:
            probe = MetalProbe.run()
        case .cpu:
            probe = .failed(.cpu, .skipped, message: "the CPU needs no probe")
        }
        probe.durationMilliseconds = Self.milliseconds(since: start)
        return probe
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).milliseconds)
    }

    private static func shim(
        _ backend: Backend,
        _ call: (UnsafeMutablePointer<sy_device>, Int32, UnsafeMutablePointer<sy_probe_result>) -> Int32
    ) -> BackendProbe {
        var result = sy_probe_result()
        let devices = UnsafeMutablePointer<sy_device>.allocate(capacity: Int(capacity))
        defer { devices.deallocate() }
        _ = call(devices, capacity, &result)
        let found = (0..<Int(max(0, min(result.devices_written, capacity)))).map { device(devices[$0], backend: backend) }
        return BackendProbe(
            backend: backend,
            status: status(result.status),
            code: result.native_code == 0 ? nil : Int(result.native_code),
            signal: nil,
            message: text(result.message),
            library: text(result.library),
            apiVersion: text(result.api_version).nilIfEmpty,
            driverVersion: text(result.driver_version).nilIfEmpty,
            devices: found,
            durationMilliseconds: 0
        )
    }

    private static func status(_ code: Int32) -> BackendProbe.Status {
        switch code {
        case SY_PROBE_OK: .ok
        case SY_PROBE_NOT_INSTALLED: .notInstalled
        case SY_PROBE_UNUSABLE_LIBRARY: .unusableLibrary
        case SY_PROBE_INIT_FAILED: .initFailed
        case SY_PROBE_NO_DEVICES: .noDevices
        default: .queryFailed
        }
    }

    private static func device(_ raw: sy_device, backend: Backend) -> GPUDevice {
        let kinds: [Int32: GPUDevice.Kind] = [
            SY_DEVICE_DISCRETE: .discrete, SY_DEVICE_INTEGRATED: .integrated, SY_DEVICE_VIRTUAL: .virtual,
            SY_DEVICE_CPU: .cpu, SY_DEVICE_ACCELERATOR: .accelerator,
        ]
        let kind = kinds[raw.kind] ?? .unknown
        let name = text(raw.name)
        let computeVersion = raw.compute_major > 0 ? "\(raw.compute_major).\(raw.compute_minor)" : nil
        return GPUDevice(
            backend: backend,
            index: Int(raw.index),
            name: name,
            vendor: text(raw.vendor).nilIfEmpty ?? PCIVendor.name(Int(raw.vendor_id)),
            vendorID: Int(raw.vendor_id),
            deviceID: Int(raw.device_id),
            kind: kind,
            memoryTotalBytes: Int64(clamping: raw.memory_total),
            memoryFreeBytes: raw.memory_free == 0 ? nil : Int64(clamping: raw.memory_free),
            driver: text(raw.driver),
            computeVersion: computeVersion,
            computeUnits: raw.compute_units > 0 ? Int(raw.compute_units) : nil,
            uuid: text(raw.uuid).nilIfEmpty,
            pciBusID: text(raw.pci_bus_id).nilIfEmpty,
            isSoftware: GPUDevice.looksSoftware(kind: kind, name: name, vendorID: Int(raw.vendor_id), backend: backend)
        )
    }

    /// A fixed-size C `char` array (imported as a tuple) as a String, up to its first NUL.
    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension String {
    /// nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
