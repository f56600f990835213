import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import SwitchyardAgent

/// The engine pool's maintenance pass against real engines (the set-up's CPU-only
/// `llama-server`, SmolLM2 and MiniLM, guarded by the built agent).
@Suite(.serialized, .enabled(if: TestSettings.hasEngine || TestSettings.isCI, "needs swift build's agent and the set-up's engine and models"))
struct EngineMaintenanceTests {
    static let models = [
        "HuggingFaceTB/SmolLM2-135M-Instruct",
        "sentence-transformers/all-MiniLM-L6-v2",
    ]

    /// A pool of real engines on the CPU that unloads every idle engine at its next pass.
    static func pool(client: HTTPClient) -> EnginePool {
        let settings = EngineSettings(
            llamaServer: TestSettings.cpuOnlyLlamaServer,
            guardExecutable: BuiltProducts.agent,
            logDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-maintenance-\(getpid())"),
            threads: 1,
            shape: ServingShape(slots: 1, contextPerSlot: 256),
            startTimeout: .seconds(60),
            environment: ProcessInfo.processInfo.environment
        )
        return EnginePool(
            settings: settings,
            catalogue: EngineCatalogue(),
            ledger: DeviceLedger(backend: .cpu, accounts: [.init(name: "CPU", capacityBytes: 8 << 30)]),
            policy: EnginePolicy(idleTimeout: .zero),
            client: client,
            logger: Logger(label: "test")
        )
    }

    /// Maintenance decides to unload both idle engines, then awaits the first one's stop. The
    /// engines are frozen (SIGSTOP), so that stop takes the guard's 5 s grace period: a
    /// window in which the other engine is checked out. The pass must see that and leave it
    /// running; a pass that acted on the list it read before the await would stop it.
    @Test func anEngineCheckedOutWhileMaintenanceAwaitsKeepsRunning() async throws {
        let models = ModelCatalogue(root: TestSettings.modelsDirectory).scan().filter { Self.models.contains($0.id) }
        try #require(models.count == 2, "the set-up's SmolLM2 and MiniLM")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let pool = Self.pool(client: client)
        for model in models { try await pool.start(model) }
        let engines = try await models.asyncMap { try #require(await pool.loaded[$0.id]?.engine) }
        let servers = try engines.map { try #require(Self.llamaServerPID(port: $0.port)) }
        for pid in servers { kill(pid, SIGSTOP) }

        let pass = Task { await pool.maintain(models: models) }
        var survivor: Int?
        while survivor == nil {
            let ids = await pool.loaded.keys
            if ids.count == 1 { survivor = models.firstIndex { ids.contains($0.id) } }
            try #require(ids.count > 0, "both engines were stopped before one could be checked out")
            await Task.yield()
        }
        let kept = try #require(survivor)
        _ = try await pool.checkout(models[kept])
        kill(servers[kept], SIGCONT)
        await pass.value

        #expect(await pool.loaded[models[kept].id]?.engine === engines[kept], "the checked-out engine is still the pool's")
        #expect(engines[kept].isRunning)
        #expect(!engines[1 - kept].isRunning, "the idle one was stopped")
        var health = HTTPClientRequest(url: engines[kept].baseURL + "/health")
        health.method = .GET
        #expect(try await client.execute(health, timeout: .seconds(10)).status == .ok)

        await pool.checkin(models[kept])
        await pool.shutdown()
        try await client.shutdown()
    }

    /// The PID of the `llama-server` listening on `port` (read from the process table).
    static func llamaServerPID(port: Int) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in entries.compactMap(Int32.init) {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("llama-server") == true, let flag = arguments.firstIndex(of: "--port") else { continue }
            if arguments.indices.contains(flag + 1), arguments[flag + 1] == String(port) { return pid }
        }
        return nil
    }
}

extension EngineProcess {
    /// The engine's private port, from its base URL.
    var port: Int { Int(baseURL.split(separator: ":").last ?? "") ?? 0 }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
