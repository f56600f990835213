/// One physical device, seen through one or more APIs (an NVIDIA GPU appears in CUDA, Vulkan and
/// OpenCL): the record of the highest-priority API, and every API that sees it.
struct PhysicalDevice: Codable, Sendable, Equatable {
    var device: GPUDevice
    var seenBy: [Backend]

    enum CodingKeys: String, CodingKey {
        case device
        case seenBy = "seen_by"
    }

    /// Merges the devices of all probes: by PCI address, else by UUID (CUDA's `GPU-` prefix
    /// ignored; software devices' UUIDs are not identities), else by name with memory within 2 %.
    static func merge(_ probes: [BackendProbe]) -> [PhysicalDevice] {
        let order: [Backend] = [.cuda, .rocm, .metal, .vulkan, .opencl]
        let devices = order.flatMap { backend in probes.filter { $0.backend == backend }.flatMap(\.devices) }
        var merged: [PhysicalDevice] = []
        for device in devices {
            if let index = merged.firstIndex(where: { same($0.device, device) }) {
                if !merged[index].seenBy.contains(device.backend) { merged[index].seenBy.append(device.backend) }
            } else {
                merged.append(PhysicalDevice(device: device, seenBy: [device.backend]))
            }
        }
        return merged
    }

    static func same(_ a: GPUDevice, _ b: GPUDevice) -> Bool {
        guard a.isSoftware == b.isSoftware else { return false }
        if let busA = a.pciBusID.map(normalizedBus), let busB = b.pciBusID.map(normalizedBus) { return busA == busB }
        if !a.isSoftware, let uuidA = a.uuid.map(normalizedUUID), let uuidB = b.uuid.map(normalizedUUID), uuidA == uuidB { return true }
        guard a.name == b.name, a.memoryTotalBytes > 0, b.memoryTotalBytes > 0 else { return false }
        let larger = Double(max(a.memoryTotalBytes, b.memoryTotalBytes))
        return Double(abs(a.memoryTotalBytes - b.memoryTotalBytes)) / larger < 0.02
    }

    /// `00000000:01:00.0` (nvidia-smi) and `0000:01:00.0` are the same address.
    static func normalizedBus(_ bus: String) -> String {
        let parts = bus.lowercased().split(separator: ":")
        guard parts.count == 3 else { return bus.lowercased() }
        let domain = String(parts[0].suffix(4))
        return "\(String(repeating: "0", count: max(0, 4 - domain.count)))\(domain):\(parts[1]):\(parts[2])"
    }

    static func normalizedUUID(_ uuid: String) -> String {
        let lowered = uuid.lowercased()
        return lowered.hasPrefix("gpu-") ? String(lowered.dropFirst(4)) : lowered
    }
}
