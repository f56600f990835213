import Foundation

/// Names of the PCI vendors that make GPUs.
enum PCIVendor {
    static func name(_ id: Int) -> String {
        switch id {
        case 0x10de: "NVIDIA"
        case 0x1002: "AMD"
        case 0x8086: "Intel"
        case 0x13b5: "ARM"
        case 0x5143: "Qualcomm"
        case 0x106b: "Apple"
        case 0x10005: "Mesa"
        default: String(format: "0x%04x", id)
        }
    }
}
