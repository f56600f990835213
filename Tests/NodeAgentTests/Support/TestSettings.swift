import Foundation

/// What the test run was given: whether it is CI, and where the set-up put the real engine and
/// models (the variables `scripts/test.sh` exports, else the set-up's cache).
enum TestSettings {
    /// True under CI, where a missing product, engine or model is a failure, never a skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var cache: URL { FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/switchyard") }

    /// The CPU-only `llama-server` the set-up installed.
    static var cpuOnlyLlamaServer: URL {
        URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["LLAMA_SERVER_CPU_ONLY"]
                ?? cache.path + "/engine/llama-b11434-vulkan-cpu-only/llama-server"
        )
    }

    /// The set-up's models directory (SmolLM2 and MiniLM).
    static var modelsDirectory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["SWITCHYARD_MODELS_DIR"] ?? cache.path + "/models")
    }

    /// Whether the tests that start real engines can run.
    static var hasEngine: Bool {
        BuiltProducts.available && FileManager.default.isExecutableFile(atPath: cpuOnlyLlamaServer.path)
            && FileManager.default.fileExists(atPath: modelsDirectory.path)
    }
}
