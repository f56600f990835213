import Foundation

/// What the probe-child tests run: the agent executable `swift build` wrote (run as the probe
/// child), and the fake CUDA driver, which is a test fixture (`Tests/Fixtures/FakeCUDA`)
/// compiled here on first use, not a product of the package.
enum BuiltProducts {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["SWITCHYARD_BIN_DIR"] { return URL(fileURLWithPath: directory) }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    static var agent: URL { binDirectory.appendingPathComponent("switchyard-agent") }

    /// The fake driver library, compiled by each test process (into a file of its own, then
    /// renamed into place, so concurrent runs never load a half-written library). The path does
    /// not exist when no C compiler could build it; the tests then fail on it.
    static let fakeCUDA: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-test-fixtures")
        let library = directory.appendingPathComponent("libfakecuda.so")
        let scratch = directory.appendingPathComponent("libfakecuda-\(getpid()).so")
        let source = packageRoot.appendingPathComponent("Tests/Fixtures/FakeCUDA/fake_cuda.c")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = [ProcessInfo.processInfo.environment["CC"] ?? "cc", "-shared", "-fPIC", "-O1", "-o", scratch.path, source.path]
        guard (try? compiler.run()) != nil else { return library }
        compiler.waitUntilExit()
        if compiler.terminationStatus == 0 { rename(scratch.path, library.path) }
        return library
    }()

    /// Whether the probe-child tests can run (they need `swift build`'s agent and a C compiler).
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: agent.path) && FileManager.default.fileExists(atPath: fakeCUDA.path)
    }
}
