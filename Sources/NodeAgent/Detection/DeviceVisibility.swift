import Foundation

/// Applies the visibility variables that no driver applies for us.
///
/// CUDA's driver honours `CUDA_VISIBLE_DEVICES` itself inside the probe (the child inherits the
/// environment), so CUDA devices arrive already filtered and renumbered. ROCm read from sysfs
/// and Vulkan are filtered here: `ROCR_VISIBLE_DEVICES`, then `HIP_VISIBLE_DEVICES`, then
/// `GPU_DEVICE_ORDINAL` (indices or UUIDs) for ROCm; `GGML_VK_VISIBLE_DEVICES` (indices) for Vulkan.
enum DeviceVisibility {
    static func filter(_ devices: [GPUDevice], backend: Backend, environment: [String: String]) -> [GPUDevice] {
        let names: [String]
        switch backend {
        case .rocm: names = ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL"]
        case .vulkan: names = ["GGML_VK_VISIBLE_DEVICES"]
        default: return devices
        }
        guard let list = names.lazy.compactMap({ environment[$0] }).first else { return devices }
        let wanted = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return devices.filter { device in
            wanted.contains(String(device.index)) || device.uuid.map { uuid in wanted.contains { $0.hasSuffix(uuid.lowercased()) } } == true
        }
    }
}
