import Foundation
import Testing

@testable import SwitchyardAgent

/// Weights + KV cache + compute allowance, from GGUF headers, and verdicts that name both figures.
@Suite struct MemoryEstimateTests {
    func model(_ fixture: GGUFFixture, id: String = "org/m", sizeBytes: Int64) throws -> LocalModel {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try fixture.write(to: directory.url.appendingPathComponent("\(id)/m.gguf"))
        var model = try #require(ModelCatalogue(root: directory.url).scan().first)
        model.sizeBytes = sizeBytes
        return model
    }

    @Test func theKVCacheOfSmolLM2MatchesWhatTheEngineAllocates() throws {
        // llama.cpp reported "Vulkan0 KV buffer size = 11.25 MiB" for SmolLM2 at 512 tokens.
        let smol = try model(.model(architecture: "llama", context: 8192, shape: GGUFFixture.smolLM2), sizeBytes: 98_362_432)
        let estimate = MemoryEstimate.of(smol, shape: ServingShape(slots: 1, contextPerSlot: 512))
        #expect(estimate.kvCacheBytes == 11_796_480)
        #expect(estimate.contextTokens == 512)
        #expect(estimate.basis == "gguf")
        #expect(estimate.totalBytes == estimate.weightsBytes + estimate.kvCacheBytes + estimate.computeBytes)
        let four = MemoryEstimate.of(smol, shape: .default)
        #expect(four.contextTokens == 8192)
        #expect(four.kvCacheBytes == 16 * estimate.kvCacheBytes)
    }

    @Test func encodersKeepNoKVCache() throws {
        let bert = try model(
            .model(architecture: "bert", context: 512, pooling: 1, shape: .init(layers: 6, width: 384, heads: 12, kvHeads: 12)),
            sizeBytes: 46 << 20
        )
        #expect(MemoryEstimate.of(bert, shape: .default).kvCacheBytes == 0)
    }

    @Test func aManifestFigureWinsButThePartsStayVisible() throws {
        var smol = try model(.model(architecture: "llama", shape: GGUFFixture.smolLM2), sizeBytes: 100 << 20)
        smol.declaredMemoryBytes = 1 << 30
        let estimate = MemoryEstimate.of(smol, shape: .default)
        #expect(estimate.totalBytes == 1 << 30)
        #expect(estimate.basis == "manifest")
        #expect(estimate.kvCacheBytes > 0)
    }

    @Test func weightsThatFitWithoutTheirKVCacheAreRefusedWithBothFigures() throws {
        // 8 B-class numbers: 32 layers, 8 KV heads of 128: 128 KiB per token, 16 GiB at 131,072 tokens.
        let big = try model(
            .model(architecture: "llama", context: 131_072, shape: .init(layers: 32, width: 4096, heads: 32, kvHeads: 8)),
            sizeBytes: 5 << 30
        )
        let host = HostProfile(
            detected: EngineTarget(backend: .cuda, devices: []),
            engine: EngineTarget(
                backend: .cuda,
                devices: [TargetDevice(name: "CUDA0", detectedName: "GPU", memoryTotalBytes: 12 << 30, memoryFreeBytes: 12 << 30)]
            ),
            ramBytes: 64 << 30,
            shape: ServingShape(slots: 4, contextPerSlot: 32_768)
        )
        let verdict = Compatibility.verdict(for: big, on: host, engines: EngineCatalogue())
        #expect(
            verdict.reason
                == "weights fit (5.1 GiB with compute buffers; engines may use 10.8 GiB on the CUDA device), but weights + KV cache for 131072 tokens need 21.1 GiB"
        )
        var fitting = host
        fitting.shape.fitsContext = true
        let fitted = Compatibility.verdict(for: big, on: fitting, engines: EngineCatalogue())
        #expect(fitted.isExecutable, "--fit-context lowers the context instead")
        #expect(fitted.model.fittedContextPerSlot == 11_520)
        #expect(fitted.note == "served with 11520 tokens of context per slot instead of 32768 so that its KV cache fits (--fit-context)")
        #expect(try #require(fitted.memory).totalBytes <= (12 << 30) / 10 * 9)
        #expect(fitting.shape.contextTokens(for: fitted.model) == 4 * 11_520, "the engine is started with that context")

        var small = host
        small.shape = ServingShape(slots: 1, contextPerSlot: 4096)
        let served = Compatibility.verdict(for: big, on: small, engines: EngineCatalogue())
        #expect(served.isExecutable)
        #expect(served.runsOn == .cuda)
    }

    @Test func aCPUOnlyEngineOnAGPUHostIsJudgedAgainstRAM() throws {
        let smol = try model(.model(architecture: "llama", shape: GGUFFixture.smolLM2), sizeBytes: 98_362_432)
        let note = "llama-server at /cpu has no Vulkan backend: GGUF models will run on the CPU"
        let vulkan = HostProfile.fixture(.vulkan, devices: [1 << 20], ramBytes: 16 << 30)
        let host = HostProfile(detected: vulkan.detected, engine: EngineTarget(backend: .cpu, devices: [], note: note), ramBytes: 16 << 30)
        let verdict = Compatibility.verdict(for: smol, on: host, engines: EngineCatalogue())
        #expect(verdict.isExecutable, "a 1 MiB Vulkan device would refuse it; 16 GiB of RAM does not")
        #expect(verdict.runsOn == .cpu)
        #expect(verdict.note == note)
        var vulkanOnly = smol
        vulkanOnly.declaredBackends = [.vulkan]
        let refused = Compatibility.verdict(for: vulkanOnly, on: host, engines: EngineCatalogue())
        #expect(refused.reason == "the manifest limits this artifact to Vulkan, but \(note)")
    }
}
