import ArgumentParser

/// A GPU backend (or the CPU) that models run on, in order of preference.
enum Backend: String, CaseIterable, Codable, Sendable, ExpressibleByArgument {
    case cuda
    case rocm
    case vulkan
    case opencl
    case metal
    case cpu
}
