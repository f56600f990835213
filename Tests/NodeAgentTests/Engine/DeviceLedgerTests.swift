import Testing

@testable import SwitchyardAgent

/// Placement arithmetic: one device when it fits, spread over devices, split when only the sum
/// fits, nothing otherwise; memory returns on release.
@Suite struct DeviceLedgerTests {
    static let gib: Int64 = 1 << 30

    func ledger(_ capacities: [Int64]) -> DeviceLedger {
        DeviceLedger(
            backend: .cuda,
            accounts: capacities.enumerated().map { DeviceLedger.Account(name: "CUDA\($0.offset)", capacityBytes: $0.element * Self.gib) }
        )
    }

    @Test func aModelThatFitsOneDeviceGoesToTheOneWithFewestEnginesThenMostRoom() throws {
        var devices = ledger([24, 48])
        let first = try #require(devices.place(20 * Self.gib))
        #expect(first.devices == ["CUDA1"])
        devices.reserve(first)
        let second = try #require(devices.place(20 * Self.gib))
        #expect(second.devices == ["CUDA0"], "spread: CUDA1 already runs an engine")
        devices.reserve(second)
        #expect(devices.accounts.map(\.usedBytes) == [20 * Self.gib, 20 * Self.gib])
    }

    @Test func aModelOnlyTheSumFitsIsSplitInProportionToFreeMemory() throws {
        let devices = ledger([24, 48])
        let split = try #require(devices.place(60 * Self.gib))
        #expect(split.devices == ["CUDA0", "CUDA1"])
        #expect(split.bytes == [20 * Self.gib, 40 * Self.gib])
        #expect(split.engineArguments.suffix(2) == ["--tensor-split", "0.333,0.667"])
    }

    @Test func aModelNothingFitsIsRefusedAndReleaseGivesMemoryBack() throws {
        var devices = ledger([24, 48])
        #expect(devices.place(80 * Self.gib) == nil)
        let big = try #require(devices.place(40 * Self.gib))
        devices.reserve(big)
        #expect(devices.place(33 * Self.gib) == nil, "24 + 8 GiB left")
        #expect(devices.largestFreeBytes == 24 * Self.gib)
        devices.release(big)
        #expect(devices.place(30 * Self.gib)?.devices == ["CUDA1"])
        #expect(devices.accounts.allSatisfy { $0.usedBytes == 0 && $0.engines == 0 })
    }

    @Test func theCPUIsOneAccountOfRAM() {
        let target = EngineTarget(backend: .cpu, devices: [])
        let cpu = DeviceLedger(target: target, ramBytes: 10 * Self.gib, budget: nil)
        #expect(cpu.accounts == [DeviceLedger.Account(name: "CPU", capacityBytes: 8 * Self.gib)])
        #expect(cpu.place(Self.gib)?.engineArguments == ["--n-gpu-layers", "0", "--device", "none"])
    }
}
