import NIOCore
import Shared
import Testing

@testable import SwitchyardRouter

/// DESIGN.md §3's failure taxonomy, row by row: what excludes the (node, model) pair and what
/// moves the request on to another node.
@Suite struct AttemptOutcomeTests {
    @Test(arguments: [
        (UInt(200), AttemptOutcome.answered),
        (400, .answered),
        (404, .answered),
        (429, .busy(status: 429)),
        (503, .busy(status: 503)),
        (500, .failed(status: 500)),
        (502, .failed(status: 502)),
        (504, .failed(status: 504)),
    ])
    func statusesAreClassified(status: UInt, outcome: AttemptOutcome) {
        #expect(AttemptOutcome.classify(status: status) == outcome)
    }

    @Test func theClientsFaultsAndBusyNodesExcludeNothing() {
        for outcome in [AttemptOutcome.answered, .busy(status: 429), .busy(status: 503), .clientLeft] {
            #expect(outcome.exclusionReason == nil, "\(outcome)")
        }
        #expect(AttemptOutcome.busy(status: 503).triesAnotherNode)
        #expect(!AttemptOutcome.answered.triesAnotherNode)
        #expect(!AttemptOutcome.clientLeft.triesAnotherNode)
    }

    @Test func theNodesFaultsExcludeIt() {
        #expect(AttemptOutcome.failed(status: 500).exclusionReason == "the node answered 500")
        #expect(AttemptOutcome.brokeOff.exclusionReason == "the node broke off its response")
        let unreachable = AttemptOutcome.classify(error: UpstreamError.timedOut, clientLeft: false)
        #expect(unreachable.exclusionReason?.hasPrefix("failed before its answer reached the client: ") == true)
        #expect(unreachable.triesAnotherNode)
        #expect(AttemptOutcome.failed(status: 500).triesAnotherNode)
        #expect(!AttemptOutcome.brokeOff.triesAnotherNode, "the client already has the answer's start and an error event")
    }

    @Test func aClientThatLeftIsNotTheNodesFault() {
        #expect(AttemptOutcome.classify(error: UpstreamError.timedOut, clientLeft: true) == .clientLeft)
        #expect(AttemptOutcome.classify(relay: .clientDisconnected) == .clientLeft)
        #expect(AttemptOutcome.classify(relay: .upstreamFailed) == .brokeOff)
        #expect(AttemptOutcome.classify(relay: .completed) == .answered)
    }
}
