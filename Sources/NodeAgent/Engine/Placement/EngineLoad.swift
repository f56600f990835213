import Foundation

/// Where an engine says it put its model, read from its own log once it is ready (the agent
/// starts engines at log level 4, where llama.cpp reports it): how many layers it offloaded to
/// the GPU and which devices hold weights. The agent's check that a GPU placement really
/// happened, shown per engine in `GET /v0/system`.
struct EngineLoad: Codable, Sendable, Equatable {
    /// Layers on the GPU, from `load_tensors: offloaded 31/31 layers to GPU`.
    var offloadedLayers: Int
    /// The model's layers (the output layer counts as one).
    var layers: Int
    /// Buffers holding weights, by the engine's name for where they sit (`Vulkan0`,
    /// `CPU_Mapped`), in MiB.
    var modelBuffersMiB: [String: Double]

    enum CodingKeys: String, CodingKey {
        case layers
        case offloadedLayers = "offloaded_layers"
        case modelBuffersMiB = "model_buffers_mib"
    }

    /// Whether every layer went to the GPU.
    var isFullyOffloaded: Bool { layers > 0 && offloadedLayers == layers }

    /// The load report in `log`, or nil when the engine did not print one.
    static func parse(_ log: String) -> EngineLoad? {
        guard let offload = log.firstMatch(of: /offloaded (\d+)\/(\d+) layers to GPU/),
            let offloaded = Int(offload.1), let layers = Int(offload.2)
        else { return nil }
        var buffers: [String: Double] = [:]
        for match in log.matches(of: /load_tensors:\s+(\S+) model buffer size =\s+([0-9.]+) MiB/) {
            buffers[String(match.1), default: 0] += Double(match.2) ?? 0
        }
        return EngineLoad(offloadedLayers: offloaded, layers: layers, modelBuffersMiB: buffers)
    }

    /// The load report in the engine log at `url` (its first 256 KiB: the model is loaded
    /// before the first request is served).
    static func read(from url: URL) -> EngineLoad? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 256 << 10) else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }
}
