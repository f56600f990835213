import Foundation
import Testing

@testable import SwitchyardAgent

/// Where GGUF models run: on the detected GPU only when the engine has its backend and sees it.
@Suite struct EngineTargetTests {
    static func device(_ backend: Backend, _ index: Int, _ name: String, gib: Int64, software: Bool = false) -> GPUDevice {
        GPUDevice(
            backend: backend,
            index: index,
            name: name,
            vendor: "",
            vendorID: 0,
            deviceID: 0,
            kind: software ? .cpu : .discrete,
            memoryTotalBytes: gib << 30,
            memoryFreeBytes: nil,
            driver: "",
            isSoftware: software
        )
    }

    static func report(_ backend: Backend, devices: [GPUDevice], forced: Bool = false) -> DetectionReport {
        DetectionReport(
            backend: backend,
            forced: forced,
            reason: "test",
            allowSoftwareDevices: true,
            devices: devices,
            physicalDevices: [],
            probes: [],
            memory: HostMemory(totalBytes: 16 << 30, availableBytes: 8 << 30),
            cpuCores: 2,
            durationMilliseconds: 1
        )
    }

    static let lavapipe = device(.vulkan, 0, "llvmpipe (LLVM 15.0.6, 256 bits)", gib: 2, software: true)
    static let vulkanEngine = EngineCapabilities.parse(
        path: "/e/llama-server",
        versionOutput: EngineCapabilitiesTests.version,
        devicesOutput: EngineCapabilitiesTests.vulkan
    )
    static let cpuEngine = EngineCapabilities.parse(
        path: "/cpu/llama-server",
        versionOutput: EngineCapabilitiesTests.version,
        devicesOutput: EngineCapabilitiesTests.cpuOnly
    )

    @Test func aVulkanEngineRunsOnTheDetectedVulkanDevice() throws {
        let target = EngineTarget.resolve(report: Self.report(.vulkan, devices: [Self.lavapipe]), engine: Self.vulkanEngine)
        #expect(target.backend == .vulkan)
        #expect(target.note == nil)
        let device = try #require(target.devices.first)
        #expect(device.name == "Vulkan0")
        #expect(device.detectedName == Self.lavapipe.name)
    }

    @Test func aCPUOnlyEngineOnAVulkanHostSaysSoPlainly() {
        let target = EngineTarget.resolve(report: Self.report(.vulkan, devices: [Self.lavapipe]), engine: Self.cpuEngine)
        #expect(target.backend == .cpu)
        #expect(
            target.note
                == "llama-server at /cpu/llama-server has no Vulkan backend: GGUF models will run on the CPU; build it with Vulkan or point --llama-server at a Vulkan build"
        )
    }

    @Test func anEngineThatSeesNoneOfTheDetectedDevicesRunsOnTheCPU() {
        let blind = EngineCapabilities.parse(
            path: "/e",
            versionOutput: EngineCapabilitiesTests.version,
            devicesOutput: EngineCapabilitiesTests.vulkanWithoutDevices
        )
        let target = EngineTarget.resolve(report: Self.report(.vulkan, devices: [Self.lavapipe]), engine: blind)
        #expect(target.backend == .cpu)
        #expect(target.note?.contains("has the Vulkan backend but sees none of the detected devices") == true)
    }

    @Test func cudaDevicesPairByName() {
        let detected = [Self.device(.cuda, 0, "Fake GPU 24GB", gib: 24), Self.device(.cuda, 1, "Fake GPU 48GB", gib: 48)]
        let engine = EngineCapabilities.parse(path: "/e", versionOutput: EngineCapabilitiesTests.version, devicesOutput: EngineCapabilitiesTests.cuda)
        let target = EngineTarget.resolve(report: Self.report(.cuda, devices: detected), engine: engine)
        #expect(target.backend == .cuda)
        #expect(target.devices.map(\.name) == ["CUDA0", "CUDA1"])
        #expect(target.devices.map(\.detectedName) == ["Fake GPU 24GB", "Fake GPU 48GB"])
        #expect(target.devices.map(\.memoryFreeBytes) == [24000 << 20, 48000 << 20])
    }

    @Test func anEngineThatDoesNotRunMakesItsModelsUnservable() {
        let broken = EngineCapabilities.unusable(path: "/e", problem: "cannot run it: permission denied")
        let target = EngineTarget.resolve(report: Self.report(.cpu, devices: []), engine: broken)
        #expect(target.unusable)
        #expect(target.note == "llama-server at /e does not run: cannot run it: permission denied")
    }

    @Test func theEngineEnvironmentNamesTheChosenVulkanDevices() {
        let report = Self.report(.vulkan, devices: [Self.device(.vulkan, 2, "llvmpipe", gib: 2, software: true)])
        #expect(EngineEnvironment.variables(for: report, base: [:])["GGML_VK_VISIBLE_DEVICES"] == "2")
        #expect(EngineEnvironment.variables(for: report, base: ["GGML_VK_VISIBLE_DEVICES": "0,1"])["GGML_VK_VISIBLE_DEVICES"] == "0,1")
        #expect(EngineEnvironment.variables(for: Self.report(.cpu, devices: []), base: [:])["GGML_VK_VISIBLE_DEVICES"] == nil)
    }
}
