import Testing

@testable import SwitchyardAgent

/// The engine's own account of where it loaded a model, as the pinned llama.cpp logs it at level 4.
@Suite struct EngineLoadTests {
    static let vulkanLog = """
        0.00.231.771 I load_tensors: offloading output layer to GPU
        0.00.231.797 I load_tensors: offloading 29 repeating layers to GPU
        0.00.231.798 I load_tensors: offloaded 31/31 layers to GPU
        0.00.231.804 I load_tensors:   CPU_Mapped model buffer size =    28.69 MiB
        0.00.231.806 I load_tensors:      Vulkan0 model buffer size =    92.10 MiB
        0.00.292.430 I llama_kv_cache:    Vulkan0 KV buffer size =    11.25 MiB
        """

    @Test func aFullOffloadIsRead() throws {
        let load = try #require(EngineLoad.parse(Self.vulkanLog))
        #expect(load.offloadedLayers == 31 && load.layers == 31)
        #expect(load.isFullyOffloaded)
        #expect(load.modelBuffersMiB == ["CPU_Mapped": 28.69, "Vulkan0": 92.10])
    }

    @Test func aPartialOffloadIsNotFull() throws {
        let load = try #require(EngineLoad.parse("load_tensors: offloaded 12/31 layers to GPU\n"))
        #expect(!load.isFullyOffloaded)
    }

    @Test func aLogWithoutTheReportGivesNothing() {
        #expect(EngineLoad.parse("srv  llama_server: model loaded\n") == nil)
    }
}
