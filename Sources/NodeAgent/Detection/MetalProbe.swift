#if canImport(Metal)
import Metal
#endif

/// Metal devices, on macOS builds only (Linux builds compile the stub branch).
enum MetalProbe {
    static func run() -> BackendProbe {
        #if canImport(Metal) && os(macOS)
        let devices = MTLCopyAllDevices().enumerated().map { index, device in
            GPUDevice(
                backend: .metal,
                index: index,
                name: device.name,
                vendor: "Apple",
                vendorID: 0x106b,
                deviceID: 0,
                kind: device.hasUnifiedMemory ? .integrated : .discrete,
                memoryTotalBytes: Int64(device.recommendedMaxWorkingSetSize),
                memoryFreeBytes: nil,
                driver: "Metal",
                computeVersion: nil,
                computeUnits: nil,
                uuid: String(device.registryID, radix: 16),
                pciBusID: nil,
                isSoftware: false
            )
        }
        guard !devices.isEmpty else { return .failed(.metal, .noDevices, message: "Metal reports no device") }
        var probe = BackendProbe.failed(.metal, .ok, message: "\(devices.count) Metal device(s)")
        probe.devices = devices
        return probe
        #else
        return .failed(.metal, .skipped, message: "Metal exists on macOS only")
        #endif
    }
}
