import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import SwitchyardAgent

/// Placement through the real detection path on a host with two (fake) CUDA GPUs: the built
/// agent probes the fake driver, a CUDA engine's device list (as the pinned llama.cpp prints it
/// for those GPUs) is matched to them, and the engine pool books memory per device.
@Suite(.enabled(if: BuiltProducts.available || TestSettings.isCI, "needs swift build's products"))
struct EnginePlacementTests {
    static let gib: Int64 = 1 << 30

    func twoGPUHost() async throws -> DetectionReport {
        let environment = [
            "SWITCHYARD_CUDA_LIBRARY": BuiltProducts.fakeCUDA.path,
            "SWITCHYARD_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1",
            "SWITCHYARD_FAKE_CUDA_MODE": "ok",
        ]
        let settings = try DetectionSettings.from(environment: environment)
        let report = await HostDetector(settings: settings, prober: IsolatedProber(executable: BuiltProducts.agent, environment: environment))
            .detect()
        let engine = EngineCapabilities.parse(
            path: "/opt/cuda/llama-server",
            versionOutput: EngineCapabilitiesTests.version,
            devicesOutput: EngineCapabilitiesTests.cuda
        )
        return report.with(engine: engine)
    }

    func model(_ id: String, needs bytes: Int64) -> LocalModel {
        var model = LocalModel(id: id, format: .gguf, file: URL(fileURLWithPath: "/m/\(id).gguf"), kind: .chat, sizeBytes: bytes, contextLength: nil)
        model.declaredMemoryBytes = bytes
        return model
    }

    @Test func twoModelsThatEachFitOneDeviceLandOnDifferentDevices() async throws {
        let report = try await twoGPUHost()
        #expect(report.backend == .cuda)
        let target = try #require(report.engineTarget)
        #expect(target.devices.map(\.name) == ["CUDA0", "CUDA1"])
        #expect(target.devices.map(\.detectedName) == ["Fake GPU 24GB", "Fake GPU 48GB"])

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let pool = EnginePool(
            settings: nil,
            catalogue: EngineCatalogue(),
            ledger: DeviceLedger(target: target, ramBytes: report.memory.totalBytes, budget: nil),
            client: client,
            logger: Logger(label: "test")
        )
        // 90 % of the free memory the engine saw: CUDA0 holds 21.1 GiB, CUDA1 42.2 GiB.
        let large = try await pool.place(model("org/large", needs: 30 * Self.gib))
        let small = try await pool.place(model("org/small", needs: 18 * Self.gib))
        #expect(large.devices == ["CUDA1"])
        #expect(small.devices == ["CUDA0"])
        let accounts = await pool.placements.devices
        #expect(accounts.map(\.usedBytes) == [18 * Self.gib, 30 * Self.gib])

        // Neither device has 25 GiB left, nor both together: refused with what is left.
        await #expect(throws: EngineError.self) { try await pool.place(model("org/third", needs: 25 * Self.gib)) }
        await pool.cancelPending("org/large")
        #expect(try await pool.place(model("org/third", needs: 25 * Self.gib)).devices == ["CUDA1"])
        try await client.shutdown()
    }

    @Test func aModelOnlyBothDevicesHoldIsSplitAcrossThem() async throws {
        let report = try await twoGPUHost()
        let target = try #require(report.engineTarget)
        var ledger = DeviceLedger(target: target, ramBytes: report.memory.totalBytes, budget: nil)
        let split = try #require(ledger.place(55 * Self.gib))
        #expect(split.devices == ["CUDA0", "CUDA1"])
        #expect(split.engineArguments.contains("--tensor-split"))
        ledger.reserve(split)
        #expect(ledger.place(9 * Self.gib) == nil, "8.3 GiB left in all")
    }
}
