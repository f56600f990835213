import Synchronization
import Testing

@testable import SwitchyardRouter

/// Guessing the admin key at the dashboard's login is throttled per address and overall.
@Suite struct LoginThrottleTests {
    /// A clock the test moves.
    final class Elapsed: Sendable {
        private let value = Mutex(Duration.zero)
        func advance(by duration: Duration) { value.withLock { $0 += duration } }
        var now: Duration { value.withLock { $0 } }
    }

    @Test func anAddressWithTooManyFailuresWaitsUntilTheOldestLeavesTheWindow() async {
        let clock = Elapsed()
        let throttle = LoginThrottle(perAddress: 3, overall: 100, window: .seconds(60)) { clock.now }
        for _ in 0..<3 {
            #expect(await throttle.refusal(for: "10.0.0.1") == nil)
            await throttle.failed("10.0.0.1")
            clock.advance(by: .seconds(10))
        }
        #expect(await throttle.refusal(for: "10.0.0.1") == .seconds(30), "the first failure leaves the window at 60 s")
        #expect(await throttle.refusal(for: "10.0.0.2") == nil, "another address may still try")
        clock.advance(by: .seconds(30))
        #expect(await throttle.refusal(for: "10.0.0.1") == nil)
    }

    @Test func manyAddressesTogetherAreBoundedAndASuccessClearsItsAddress() async {
        let clock = Elapsed()
        let throttle = LoginThrottle(perAddress: 3, overall: 4, window: .seconds(60)) { clock.now }
        for address in ["a", "b", "c", "d"] { await throttle.failed(address) }
        #expect(await throttle.refusal(for: "e") == .seconds(60), "four failures from four addresses fill the overall budget")
        let mine = LoginThrottle(perAddress: 2, overall: 100, window: .seconds(60)) { clock.now }
        await mine.failed("a")
        await mine.failed("a")
        await mine.succeeded("a")
        #expect(await mine.refusal(for: "a") == nil)
    }
}
