import Foundation
import Testing

@testable import SwitchyardAgent

/// ROCm from a fake sysfs tree.
@Suite struct ROCmProbeTests {
    func write(_ text: String, to path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func noTopologyMeansNotInstalled() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        #expect(ROCmProbe(root: root.url).run().status == .notInstalled)
    }

    @Test func gpuNodesAreReadWithVRAMFromTheirRenderNode() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try write("cpu_cores_count 16\nsimd_count 0\ngfx_target_version 0\n", to: "class/kfd/kfd/topology/nodes/0/properties", in: root.url)
        try write(
            "simd_count 192\nsimd_per_cu 2\ngfx_target_version 110000\nvendor_id 4098\ndevice_id 29772\nunique_id 1234\ndrm_render_minor 128\n",
            to: "class/kfd/kfd/topology/nodes/1/properties",
            in: root.url
        )
        try write("25753026560\n", to: "class/drm/renderD128/device/mem_info_vram_total", in: root.url)
        try write("1073741824\n", to: "class/drm/renderD128/device/mem_info_vram_used", in: root.url)
        try write("DRIVER=amdgpu\nPCI_SLOT_NAME=0000:03:00.0\n", to: "class/drm/renderD128/device/uevent", in: root.url)
        try write("6.8.5\n", to: "module/amdgpu/version", in: root.url)

        let probe = ROCmProbe(root: root.url).run()
        #expect(probe.status == .ok)
        #expect(probe.driverVersion == "6.8.5")
        let device = try #require(probe.devices.first)
        #expect(probe.devices.count == 1)
        #expect(device.name == "AMD gfx1100")
        #expect(device.memoryTotalBytes == 25_753_026_560)
        #expect(device.memoryFreeBytes == Int64(24_679_284_736))
        #expect(device.pciBusID == "0000:03:00.0")
        #expect(device.computeUnits == 96)
    }

    @Test func topologyWithOnlyCPUNodesHasNoDevices() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try write("cpu_cores_count 16\ngfx_target_version 0\n", to: "class/kfd/kfd/topology/nodes/0/properties", in: root.url)
        #expect(ROCmProbe(root: root.url).run().status == .noDevices)
    }
}
