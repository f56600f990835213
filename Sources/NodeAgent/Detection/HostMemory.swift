import Foundation

/// Total and available system memory (what CPU inference can use).
struct HostMemory: Codable, Sendable, Equatable {
    var totalBytes: Int64
    var availableBytes: Int64?

    enum CodingKeys: String, CodingKey {
        case totalBytes = "total_bytes"
        case availableBytes = "available_bytes"
    }

    /// Reads `/proc/meminfo` where there is one; falls back to the physical memory size.
    static func read(meminfo: String = "/proc/meminfo") -> HostMemory {
        guard let text = try? String(contentsOfFile: meminfo, encoding: .utf8) else {
            return HostMemory(totalBytes: Int64(ProcessInfo.processInfo.physicalMemory), availableBytes: nil)
        }
        func kibibytes(_ key: String) -> Int64? {
            text.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int64($0) } }
                .map { $0 * 1024 }
        }
        return HostMemory(
            totalBytes: kibibytes("MemTotal") ?? Int64(ProcessInfo.processInfo.physicalMemory),
            availableBytes: kibibytes("MemAvailable")
        )
    }
}
