import Testing

@testable import SwitchyardAgent

/// Selection rules over fixture probes (the shape of a real H100 host's report, and of a CPU
/// machine with Debian's software drivers).
@Suite struct BackendSelectionTests {
    static func device(
        _ backend: Backend,
        _ name: String,
        memory: Int64 = 80 << 30,
        bus: String? = nil,
        uuid: String? = nil,
        software: Bool = false
    )
        -> GPUDevice
    {
        GPUDevice(
            backend: backend,
            index: 0,
            name: name,
            vendor: "NVIDIA",
            vendorID: 0x10de,
            deviceID: 0x2330,
            kind: software ? .cpu : .discrete,
            memoryTotalBytes: memory,
            memoryFreeBytes: nil,
            driver: "",
            computeVersion: nil,
            computeUnits: nil,
            uuid: uuid,
            pciBusID: bus,
            isSoftware: software
        )
    }

    static func ok(_ backend: Backend, _ devices: [GPUDevice]) -> BackendProbe {
        var probe = BackendProbe.failed(backend, .ok, message: "")
        probe.devices = devices
        return probe
    }

    static let h100: [BackendProbe] = [
        ok(.cuda, [device(.cuda, "NVIDIA H100 80GB HBM3", bus: "0000:19:00.0", uuid: "GPU-5e6f0b0c-1d2e-3f40-5162-738495a6b7c8")]),
        .failed(.rocm, .notInstalled, message: "no kfd"),
        ok(.vulkan, [device(.vulkan, "NVIDIA H100 80GB HBM3", memory: (80 << 30) - (480 << 20), uuid: "5e6f0b0c-1d2e-3f40-5162-738495a6b7c8")]),
        ok(.opencl, [device(.opencl, "NVIDIA H100 80GB HBM3", memory: (80 << 30) - (300 << 20))]),
    ]

    static let softwareOnly: [BackendProbe] = [
        .failed(.cuda, .notInstalled, message: ""),
        ok(
            .vulkan,
            [device(.vulkan, "llvmpipe (LLVM 15.0.6, 256 bits)", memory: 2 << 30, uuid: "6d657361-3232-2e33-2e36-000000000000", software: true)]
        ),
        ok(.opencl, [device(.opencl, "pthread-haswell-AMD EPYC", memory: 6 << 30, software: true)]),
    ]

    @Test func cudaWinsAndTheSameGPUIsMergedAcrossAPIs() {
        let selection = BackendSelection.choose(from: Self.h100, settings: DetectionSettings())
        #expect(selection.backend == .cuda)
        #expect(!selection.forced)
        #expect(selection.devices.count == 1)
        let physical = PhysicalDevice.merge(Self.h100)
        #expect(physical.count == 1)
        #expect(physical.first?.seenBy == [.cuda, .vulkan, .opencl])
    }

    @Test func softwareDevicesAreReportedButNotChosenUnlessAllowed() {
        let selection = BackendSelection.choose(from: Self.softwareOnly, settings: DetectionSettings())
        #expect(selection.backend == .cpu)
        #expect(selection.reason.contains("llvmpipe"))
        #expect(selection.reason.contains("SWITCHYARD_ALLOW_SOFTWARE_DEVICES"))
        let allowed = BackendSelection.choose(from: Self.softwareOnly, settings: DetectionSettings(allowSoftwareDevices: true))
        #expect(allowed.backend == .vulkan)
        #expect(PhysicalDevice.merge(Self.softwareOnly).count == 2, "lavapipe's constant UUID is no identity")
    }

    @Test func forcedBackendIsUsedAndSaysSo() {
        let forced = BackendSelection.choose(from: Self.softwareOnly, settings: DetectionSettings(forced: .cuda))
        #expect(forced.backend == .cuda)
        #expect(forced.forced)
        #expect(forced.reason.contains("no usable cuda device"))
        let forcedVulkan = BackendSelection.choose(from: Self.h100, settings: DetectionSettings(forced: .vulkan))
        #expect(forcedVulkan.backend == .vulkan && forcedVulkan.devices.count == 1)
    }

    @Test func noProbeSucceededMeansCPUWithEveryOutcome() {
        let probes: [BackendProbe] = [
            .failed(.cuda, .initFailed, message: "", code: 999), .failed(.vulkan, .timedOut, message: ""),
            .failed(.opencl, .crashed, message: "", signal: 11),
        ]
        let selection = BackendSelection.choose(from: probes, settings: DetectionSettings())
        #expect(selection.backend == .cpu)
        #expect(selection.reason.contains("cuda initFailed (999)"))
        #expect(selection.reason.contains("vulkan timedOut"))
    }

    @Test func visibilityVariablesFilterTheChosenBackend() {
        var second = Self.device(.vulkan, "GPU B", bus: "0000:02:00.0")
        second.index = 1
        let probes = [Self.ok(.vulkan, [Self.device(.vulkan, "GPU A", bus: "0000:01:00.0"), second])]
        let settings = DetectionSettings(environment: ["GGML_VK_VISIBLE_DEVICES": "1"])
        #expect(BackendSelection.choose(from: probes, settings: settings).devices.map(\.name) == ["GPU B"])
    }

    @Test func busIDsFromNvidiaSmiAndTheShimsMatch() {
        #expect(PhysicalDevice.normalizedBus("00000000:19:00.0") == "0000:19:00.0")
        #expect(PhysicalDevice.normalizedBus("0000:19:00.0") == "0000:19:00.0")
    }
}
