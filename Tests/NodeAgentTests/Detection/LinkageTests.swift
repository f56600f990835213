import Foundation
import Testing

/// The agent binary must run on hosts without any GPU runtime: it may open them at run time,
/// never link them.
@Suite(.enabled(if: BuiltProducts.available || TestSettings.isCI, "needs swift build's products"))
struct LinkageTests {
    @Test func agentLinksNoGPULibrary() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["readelf", "-d", BuiltProducts.agent.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let needed = text.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.isEmpty, "readelf printed no dynamic section")
        for library in ["libcuda", "libnvidia-ml", "libvulkan", "libOpenCL", "libamdhip", "libhsa"] {
            #expect(!needed.contains { $0.contains(library) }, "the agent links \(library)")
        }
    }
}
