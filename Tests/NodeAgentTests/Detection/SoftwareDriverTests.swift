import Foundation
import Testing

@testable import SwitchyardAgent

/// The real Vulkan and OpenCL loaders with Debian's software devices (lavapipe, PoCL), which
/// `scripts/test.sh` installs. Hermetic cases use the loaders' own environment variables.
@Suite(.enabled(if: SoftwareDrivers.installed || TestSettings.isCI, "needs mesa-vulkan-drivers and pocl-opencl-icd"))
struct SoftwareDriverTests {
    func probe(_ backend: Backend, environment: [String: String] = [:]) async -> BackendProbe {
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return await IsolatedProber(executable: BuiltProducts.agent, environment: merged).probe(backend, deadline: .now + .seconds(20))
    }

    @Test func vulkanListsLavapipeAsSoftware() async throws {
        let probe = await probe(.vulkan)
        #expect(probe.status == .ok, "\(probe.message)")
        let device = try #require(probe.devices.first { $0.name.contains("llvmpipe") })
        #expect(device.isSoftware)
        #expect(device.kind == .cpu)
        #expect(device.memoryTotalBytes > 0)
    }

    @Test func vulkanWithoutDriversHasNoDevices() async {
        let probe = await probe(.vulkan, environment: ["VK_DRIVER_FILES": "/nonexistent.json", "VK_ICD_FILENAMES": "/nonexistent.json"])
        #expect(probe.status == .noDevices)
        #expect(probe.code == -9)
    }

    @Test func openCLListsPoCLAsSoftware() async throws {
        let probe = await probe(.opencl)
        #expect(probe.status == .ok, "\(probe.message)")
        let device = try #require(probe.devices.first)
        #expect(device.isSoftware)
        #expect(probe.apiVersion?.contains("PoCL") == true)
    }

    @Test func openCLWithoutVendorsHasNoDevices() async {
        let probe = await probe(.opencl, environment: ["OCL_ICD_VENDORS": "/nonexistent"])
        #expect(probe.status == .noDevices)
    }

    @Test func aLibraryWithoutTheEntryPointIsUnusable() async {
        let probe = await probe(.vulkan, environment: ["SWITCHYARD_VULKAN_LIBRARY": BuiltProducts.fakeCUDA.path])
        #expect(probe.status == .unusableLibrary)
    }

    @Test func detectChoosesCPUUnlessSoftwareIsAllowed() async throws {
        let environment = ProcessInfo.processInfo.environment
        let prober = IsolatedProber(executable: BuiltProducts.agent, environment: environment)
        let report = await HostDetector(settings: DetectionSettings(environment: environment), prober: prober).detect()
        #expect(report.backend == .cpu)
        #expect(report.physicalDevices.contains { $0.device.name.contains("llvmpipe") && $0.device.isSoftware })
        let allowed = await HostDetector(settings: DetectionSettings(allowSoftwareDevices: true, environment: environment), prober: prober).detect()
        #expect(allowed.backend == .vulkan)
    }
}

enum SoftwareDrivers {
    static var installed: Bool {
        BuiltProducts.available && FileManager.default.fileExists(atPath: "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json")
            && FileManager.default.fileExists(atPath: "/etc/OpenCL/vendors/pocl.icd")
    }
}
