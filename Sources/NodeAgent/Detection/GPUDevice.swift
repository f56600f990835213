/// One GPU (or software device) as one API reports it.
struct GPUDevice: Codable, Sendable, Equatable {
    /// What kind of device the API says it is.
    enum Kind: String, Codable, Sendable {
        case discrete, integrated, virtual, cpu, accelerator, unknown
    }

    /// The API that reported it.
    var backend: Backend
    /// The index within that API.
    var index: Int
    var name: String
    var vendor: String
    var vendorID: Int
    var deviceID: Int
    var kind: Kind
    var memoryTotalBytes: Int64
    /// Free memory, when the API can tell (NVML, VK_EXT_memory_budget, amdgpu sysfs).
    var memoryFreeBytes: Int64?
    /// The driver as the API names it.
    var driver: String
    /// CUDA compute capability (`8.9`), or the device's Vulkan/OpenCL API version.
    var computeVersion: String?
    var computeUnits: Int?
    /// The device UUID (CUDA's `GPU-…` form for CUDA).
    var uuid: String?
    /// The PCI address, `dddd:bb:dd.f`.
    var pciBusID: String?
    /// A CPU implementation of a GPU API (Mesa lavapipe/llvmpipe, PoCL, SwiftShader).
    var isSoftware: Bool

    enum CodingKeys: String, CodingKey {
        case backend, index, name, vendor, kind, driver, uuid
        case vendorID = "vendor_id"
        case deviceID = "device_id"
        case memoryTotalBytes = "memory_total_bytes"
        case memoryFreeBytes = "memory_free_bytes"
        case computeVersion = "compute_version"
        case computeUnits = "compute_units"
        case pciBusID = "pci_bus_id"
        case isSoftware = "software"
    }

    /// Whether the device is a software implementation: by device type first, by well-known
    /// names and the Mesa vendor ID as a backup (vendor IDs alone mislead: PoCL reports Intel's).
    static func looksSoftware(kind: Kind, name: String, vendorID: Int, backend: Backend) -> Bool {
        if kind == .cpu { return true }
        let lowered = name.lowercased()
        if ["llvmpipe", "lavapipe", "swiftshader", "softpipe"].contains(where: lowered.contains) { return true }
        if backend == .opencl && (lowered.hasPrefix("pthread-") || lowered.hasPrefix("cpu-")) { return true }
        return backend == .vulkan && vendorID == 0x10005 && kind != .discrete && kind != .integrated
    }
}
