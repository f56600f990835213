import Foundation

/// Paths of products `swift build` wrote: the agent executable (run as the probe child) and the
/// fake CUDA driver library.
enum BuiltProducts {
    static var binDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["SWITCHYARD_BIN_DIR"] { return URL(fileURLWithPath: directory) }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug")
    }

    static var agent: URL { binDirectory.appendingPathComponent("switchyard-agent") }
    static var fakeCUDA: URL { binDirectory.appendingPathComponent("libFakeCUDA.so") }

    /// Whether the probe-child tests can run (they need `swift build`'s products).
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: agent.path) && FileManager.default.fileExists(atPath: fakeCUDA.path)
    }
}
