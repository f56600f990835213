import ArgumentParser

/// The weights format of a local model, and the backends each can run on (DESIGN.md §1).
enum ModelFormat: String, Codable, Sendable, CaseIterable, ExpressibleByArgument {
    /// llama.cpp's format: runs on every GPU backend and the CPU.
    case gguf
    /// Hugging Face safetensors for vLLM-class engines: CUDA and ROCm.
    case safetensors
    /// Apple's MLX: Metal only.
    case mlx

    var backends: [Backend] {
        switch self {
        case .gguf: [.cuda, .rocm, .vulkan, .metal, .cpu]
        case .safetensors: [.cuda, .rocm]
        case .mlx: [.metal]
        }
    }

    /// The name people know it by.
    var displayName: String {
        switch self {
        case .gguf: "GGUF"
        case .safetensors: "safetensors"
        case .mlx: "MLX"
        }
    }
}
