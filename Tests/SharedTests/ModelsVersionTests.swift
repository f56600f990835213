import Testing

@testable import Shared

@Suite struct ModelsVersionTests {
    @Test func orderDoesNotMatterButContentDoes() {
        #expect(ModelsVersion.of(["a", "b"]) == ModelsVersion.of(["b", "a"]))
        #expect(ModelsVersion.of(["a", "b"]) != ModelsVersion.of(["a", "c"]))
        #expect(ModelsVersion.of([]).count == 16)
    }

    @Test func hexString() {
        #expect([0x00, 0x0f, 0xab, 0xff].hexString == "000fabff")
    }
}
