import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct RequestIDTests {
    @Test("generated request IDs share the process's prefix and never repeat")
    func idsAreUnique() {
        let ids = (0..<1000).map { _ in RequestIDs.next() }
        #expect(Set(ids).count == ids.count)
        let prefixes = Set(ids.map { $0.split(separator: "-").first.map(String.init) ?? "" })
        #expect(prefixes.count == 1)
        #expect(prefixes.first?.count == 16)
    }

    @Test("the router's time header has three decimals and never goes negative")
    func millisecondsAreFormatted() {
        #expect(Duration.microseconds(42).millisecondsText == "0.042")
        #expect(Duration.microseconds(1_234_567).millisecondsText == "1234.567")
        #expect(Duration.milliseconds(3).millisecondsText == "3.000")
        #expect(Duration.microseconds(-5).millisecondsText == "0.000")
    }
}
