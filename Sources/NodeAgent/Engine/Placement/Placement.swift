import Foundation

/// Where one engine sits: the devices it uses and the memory it holds on each, in the engine's
/// device names. The CPU is one device named `CPU`.
struct Placement: Codable, Sendable, Equatable {
    /// The backend the engine computes on.
    var backend: Backend
    /// Device names in the engine's spelling (`CUDA1`), one for most engines.
    var devices: [String]
    /// Bytes held on each device, in the order of ``devices``.
    var bytes: [Int64]

    enum CodingKeys: String, CodingKey {
        case backend, devices, bytes
    }

    /// Whether the engine is split across devices.
    var isSplit: Bool { devices.count > 1 }

    /// The engine flags that put it there: every layer on the named device(s), split by layer
    /// in proportion to the bytes held on each; on the CPU, no device at all.
    var engineArguments: [String] {
        guard backend != .cpu else { return ["--n-gpu-layers", "0", "--device", "none"] }
        var arguments = ["--n-gpu-layers", "999", "--device", devices.joined(separator: ",")]
        if isSplit {
            let total = Double(max(1, bytes.reduce(0, +)))
            let shares = bytes.map { String(format: "%.3f", Double($0) / total) }
            arguments += ["--split-mode", "layer", "--tensor-split", shares.joined(separator: ",")]
        }
        return arguments
    }
}
