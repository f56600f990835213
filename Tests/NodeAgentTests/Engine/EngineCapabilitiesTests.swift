import Foundation
import Testing

@testable import SwitchyardAgent

/// The engine's own answers, as the pinned llama.cpp prints them (captured from real builds:
/// the Vulkan + CPU module build with lavapipe named, the CPU-only installation, and a CUDA
/// build's start-up lines as the reference notes record them).
@Suite struct EngineCapabilitiesTests {
    static let version = "version: 0.6.0-dev (build 11434, commit unknown)\nbuilt with GNU 12.2.0 for Linux x86_64\n"
    static let vulkan = """
        0.00.027.787 I ggml_vulkan: Found 1 Vulkan devices:
        0.00.027.811 I load_backend: loaded Vulkan backend from /opt/engine/libggml-vulkan.so
        0.00.029.960 I load_backend: loaded CPU backend from /opt/engine/libggml-cpu.so
        Available devices:
          Vulkan0: llvmpipe (LLVM 15.0.6, 256 bits) (2048 MiB, 2048 MiB free)

        """
    static let vulkanWithoutDevices = """
        0.00.027.787 I ggml_vulkan: No devices found.
        0.00.027.811 I load_backend: loaded Vulkan backend from /opt/engine/libggml-vulkan.so
        0.00.029.960 I load_backend: loaded CPU backend from /opt/engine/libggml-cpu.so
        Available devices:
          (none)

        """
    static let cpuOnly = """
        0.00.005.120 I load_backend: loaded CPU backend from /opt/engine-cpu/libggml-cpu.so
        Available devices:
          (none)

        """
    static let cuda = """
        ggml_cuda_init: found 2 CUDA devices (Total VRAM: 73728 MiB):
          Device 0: Fake GPU 24GB, compute capability 8.9, VMM: yes
          Device 1: Fake GPU 48GB, compute capability 9.0, VMM: yes
        Available devices:
          CUDA0: Fake GPU 24GB (24576 MiB, 24000 MiB free)
          CUDA1: Fake GPU 48GB (49152 MiB, 48000 MiB free)

        """

    @Test func aVulkanModuleBuildListsItsBackendsAndDevice() throws {
        let engine = EngineCapabilities.parse(path: "/opt/engine/llama-server", versionOutput: Self.version, devicesOutput: Self.vulkan)
        #expect(engine.version == "0.6.0-dev (build 11434, commit unknown)")
        #expect(engine.backends == ["CPU", "Vulkan"])
        #expect(engine.problem == nil)
        let device = try #require(engine.devices.first)
        #expect(device.name == "Vulkan0")
        #expect(device.description == "llvmpipe (LLVM 15.0.6, 256 bits)")
        #expect(device.backend == .vulkan)
        #expect(device.memoryTotalBytes == 2048 << 20)
        #expect(engine.has(.vulkan) && engine.has(.cpu) && !engine.has(.cuda))
        #expect(engine.summary == "b11434 (CPU, Vulkan; Vulkan0 llvmpipe (LLVM 15.0.6, 256 bits) 2.0 GiB)")
    }

    @Test func aBackendWithoutDevicesIsStillListed() {
        let engine = EngineCapabilities.parse(path: "/e", versionOutput: Self.version, devicesOutput: Self.vulkanWithoutDevices)
        #expect(engine.backends == ["CPU", "Vulkan"])
        #expect(engine.devices.isEmpty)
        #expect(engine.has(.vulkan))
    }

    @Test func aCPUOnlyEngineHasNoGPUBackend() {
        let engine = EngineCapabilities.parse(path: "/e", versionOutput: Self.version, devicesOutput: Self.cpuOnly)
        #expect(engine.backends == ["CPU"])
        #expect(!engine.has(.vulkan) && !engine.has(.cuda))
        #expect(engine.summary.hasSuffix("(CPU; no GPU device)"))
    }

    @Test func aLinkedInCUDABackendIsFoundByItsDevices() {
        let engine = EngineCapabilities.parse(path: "/e", versionOutput: Self.version, devicesOutput: Self.cuda)
        #expect(engine.backends == ["CPU", "CUDA"])
        #expect(engine.devices(of: .cuda).map(\.name) == ["CUDA0", "CUDA1"])
        #expect(engine.devices.last?.memoryFreeBytes == 48000 << 20)
    }

    @Test func outputThatIsNotFromAnEngineIsAProblem() {
        let engine = EngineCapabilities.parse(path: "/bin/true", versionOutput: "", devicesOutput: "")
        #expect(engine.problem != nil)
    }

    @Test(arguments: [("CUDA3", Backend.cuda), ("ROCm0", .rocm), ("Vulkan12", .vulkan), ("MTL0", .metal), ("Metal", .metal)])
    func deviceNamesMapToBackends(name: String, backend: Backend) {
        #expect(Backend(engineDeviceName: name) == backend)
    }

    @Test func aProgramThatIsNotAnEngineIsReportedNotTrusted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = directory.url.appendingPathComponent("llama-server")
        try Data("#!/bin/sh\necho 'unknown option' >&2\nexit 3\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let engine = await EngineProbe(executable: fake, environment: [:], timeout: .seconds(5)).run()
        #expect(engine.problem == "`llama-server --version` exited with status 3: unknown option")
        let hung = directory.url.appendingPathComponent("hung")
        try Data("#!/bin/sh\nsleep 30\n".utf8).write(to: hung)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hung.path)
        let stuck = await EngineProbe(executable: hung, environment: [:], timeout: .milliseconds(300)).run()
        #expect(stuck.problem?.contains("did not answer within") == true)
    }
}
