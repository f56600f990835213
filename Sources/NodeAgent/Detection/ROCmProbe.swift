import Foundation

/// Finds AMD GPUs the way the ROCm runtime does, from sysfs alone (no library is loaded): the
/// KFD topology lists GPU nodes, the matching DRM render node gives VRAM and the PCI address.
/// The root is injectable so tests can run against a fake tree.
struct ROCmProbe: Sendable {
    /// The sysfs mount point (`/sys` on a real host).
    var root: URL

    func run() -> BackendProbe {
        let nodes = root.appendingPathComponent("class/kfd/kfd/topology/nodes")
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: nodes.path) else {
            return .failed(.rocm, .notInstalled, message: "amdgpu/KFD is not loaded (no \(nodes.path))")
        }
        var devices: [GPUDevice] = []
        for entry in entries.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
            let properties = Self.keyValues(at: nodes.appendingPathComponent("\(entry)/properties"))
            // CPU nodes have no GFX target.
            guard let target = properties["gfx_target_version"], target != 0 else { continue }
            devices.append(device(index: devices.count, properties: properties, target: target))
        }
        let version = (try? String(contentsOf: root.appendingPathComponent("module/amdgpu/version"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !devices.isEmpty else {
            return .failed(.rocm, .noDevices, message: "the KFD topology lists no GPU node")
        }
        return BackendProbe(
            backend: .rocm,
            status: .ok,
            code: nil,
            signal: nil,
            message: "\(devices.count) AMD GPU(s) in the KFD topology",
            library: nil,
            apiVersion: nil,
            driverVersion: version?.nilIfEmpty,
            devices: devices,
            durationMilliseconds: 0
        )
    }

    private func device(index: Int, properties: [String: Int], target: Int) -> GPUDevice {
        let gfx = "gfx\(target / 10000)\(String((target / 100) % 100, radix: 16))\(String(target % 100, radix: 16))"
        let drm = properties["drm_render_minor"].map { root.appendingPathComponent("class/drm/renderD\($0)/device") }
        let total = drm.flatMap { Self.number(at: $0.appendingPathComponent("mem_info_vram_total")) }
        let used = drm.flatMap { Self.number(at: $0.appendingPathComponent("mem_info_vram_used")) }
        let product = drm.flatMap { try? String(contentsOf: $0.appendingPathComponent("product_name"), encoding: .utf8) }?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let uniqueID = properties["unique_id"].map { String(format: "%016llx", UInt64(bitPattern: Int64($0))) }
        return GPUDevice(
            backend: .rocm,
            index: index,
            name: product?.nilIfEmpty ?? "AMD \(gfx)",
            vendor: "AMD",
            vendorID: properties["vendor_id"] ?? 0x1002,
            deviceID: properties["device_id"] ?? 0,
            kind: (properties["simd_count"] ?? 0) > 0 && total != nil ? .discrete : .integrated,
            memoryTotalBytes: total ?? 0,
            memoryFreeBytes: total.flatMap { total in used.map { max(0, total - $0) } },
            driver: "amdgpu \(gfx)",
            computeVersion: gfx,
            computeUnits: properties["simd_count"].map { $0 / max(1, properties["simd_per_cu"] ?? 4) },
            uuid: uniqueID,
            pciBusID: drm.flatMap(Self.pciAddress),
            isSoftware: false
        )
    }

    /// `key value` lines with integer values.
    static func keyValues(at url: URL) -> [String: Int] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    static func number(at url: URL) -> Int64? {
        (try? String(contentsOf: url, encoding: .utf8)).flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The PCI address from the device's uevent, or from the name its symlink points to.
    static func pciAddress(of device: URL) -> String? {
        if let uevent = try? String(contentsOf: device.appendingPathComponent("uevent"), encoding: .utf8),
            let line = uevent.split(separator: "\n").first(where: { $0.hasPrefix("PCI_SLOT_NAME=") })
        {
            return String(line.dropFirst("PCI_SLOT_NAME=".count)).lowercased()
        }
        let target = device.resolvingSymlinksInPath().lastPathComponent
        return target.filter { $0 == ":" }.count == 2 ? target.lowercased() : nil
    }
}
