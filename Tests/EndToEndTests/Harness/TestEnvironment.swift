import Foundation

/// Where the built binaries, the real engine and the real models are, from the variables the
/// README's test command sets (`scripts/test.sh`).
struct TestEnvironment: Sendable {
    var binDirectory: URL
    /// The engine the set-up built for this host (CPU and, where the host has the toolchain, a
    /// GPU backend such as Vulkan, as loadable modules).
    var llamaServer: URL
    /// The same engine installed without its GPU modules: a real CPU-only llama-server.
    var cpuOnlyLlamaServer: URL
    var modelsDirectory: URL
    var referenceEmbeddings: URL

    static let chatModel = "HuggingFaceTB/SmolLM2-135M-Instruct"
    static let embeddingModel = "sentence-transformers/all-MiniLM-L6-v2"

    /// True under CI, where a missing engine or model is a failure, never a skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether the end-to-end tests can run (or must run, under CI).
    static var shouldRun: Bool { isCI || (try? load()) != nil }

    /// The environment, or an error naming what is missing.
    static func load() throws -> TestEnvironment {
        let variables = ProcessInfo.processInfo.environment
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let bin = variables["SWITCHYARD_BIN_DIR"].map(URL.init(fileURLWithPath:)) ?? packageRoot.appendingPathComponent(".build/debug")
        let cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/switchyard")
        let environment = TestEnvironment(
            binDirectory: bin,
            llamaServer: URL(fileURLWithPath: variables["LLAMA_SERVER"] ?? cache.path + "/engine/llama-b11434-vulkan/llama-server"),
            cpuOnlyLlamaServer: URL(
                fileURLWithPath: variables["LLAMA_SERVER_CPU_ONLY"] ?? cache.path + "/engine/llama-b11434-vulkan-cpu-only/llama-server"
            ),
            modelsDirectory: URL(fileURLWithPath: variables["SWITCHYARD_MODELS_DIR"] ?? cache.path + "/models"),
            referenceEmbeddings: URL(
                fileURLWithPath: variables["SWITCHYARD_REFERENCE_EMBEDDINGS"] ?? cache.path + "/reference/all-MiniLM-L6-v2.json"
            )
        )
        let required: [(String, String)] = [
            (environment.binDirectory.appendingPathComponent("switchyard-router").path, "switchyard-router (run swift build)"),
            (environment.binDirectory.appendingPathComponent("switchyard-agent").path, "switchyard-agent (run swift build)"),
            (environment.llamaServer.path, "llama-server (run scripts/setup.sh)"),
            (environment.cpuOnlyLlamaServer.path, "the CPU-only llama-server (run scripts/setup.sh)"),
            (environment.modelsDirectory.appendingPathComponent(chatModel).path, "the SmolLM2 model (run scripts/setup.sh)"),
            (environment.modelsDirectory.appendingPathComponent(embeddingModel).path, "the MiniLM model (run scripts/setup.sh)"),
            (environment.referenceEmbeddings.path, "the reference embeddings (run scripts/setup.sh)"),
        ]
        let missing = required.filter { !FileManager.default.fileExists(atPath: $0.0) }.map(\.1)
        guard missing.isEmpty else {
            throw HarnessError("end-to-end prerequisites missing: \(missing.joined(separator: ", "))")
        }
        return environment
    }
}

extension TestEnvironment {
    /// Runs one of the built executables with `arguments` and returns what it printed.
    /// - Throws: ``HarnessError`` when it exits with a non-zero status.
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Self.output(of: binDirectory.appendingPathComponent(executable), arguments, environment: environment)
    }

    /// Runs `executable` to its end and returns what it printed; throws when it fails.
    static func output(of executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A harness failure with a message for the reader of the test log.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
