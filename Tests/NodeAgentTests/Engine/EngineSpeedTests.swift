import Testing

@testable import SwitchyardAgent

/// An engine's measured speed, from its own counters and the requests the agent saw finish.
@Suite struct EngineSpeedTests {
    static let metrics = """
        # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
        # TYPE llamacpp:prompt_tokens_total counter
        llamacpp:prompt_tokens_total 1000
        llamacpp:prompt_seconds_total 2
        # HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
        # TYPE llamacpp:tokens_predicted_total counter
        llamacpp:tokens_predicted_total 400
        llamacpp:tokens_predicted_seconds_total 8
        llamacpp:requests_processing 0
        """

    typealias Counters = EngineSpeed.Counters

    @Test func countersAreReadFromThePrometheusText() {
        let counters = EngineSpeed.counters(in: Self.metrics)
        #expect(counters == Counters(promptTokens: 1000, promptSeconds: 2, tokens: 400, seconds: 8))
        #expect(
            EngineSpeed.counters(in: "llamacpp:tokens_predicted_total 3\nllamacpp:tokens_predicted_seconds_total 1") == nil,
            "all four are needed"
        )
    }

    @Test func theFirstReadingCountsWhatTheEngineDidSinceItStarted() {
        let idle = EngineSpeed(Counters(promptTokens: 0, promptSeconds: 0, tokens: 0, seconds: 0))
        #expect(idle.tokensPerSecond == nil && idle.promptTokensPerSecond == nil && idle.requestSeconds == nil)
        let speed = EngineSpeed(Counters(promptTokens: 1000, promptSeconds: 2, tokens: 400, seconds: 8, requests: 5))
        #expect(speed.promptTokensPerSecond == 500)
        #expect(speed.tokensPerSecond == 50)
        #expect(speed.requestSeconds == 2, "10 engine seconds over 5 requests")
    }

    @Test func eachIntervalWithWorkIsASampleAndSmoothed() {
        var speed = EngineSpeed(Counters(promptTokens: 1000, promptSeconds: 2, tokens: 400, seconds: 8, requests: 5))
        speed.update(Counters(promptTokens: 1000, promptSeconds: 2, tokens: 400, seconds: 8, requests: 5))
        #expect(speed.tokensPerSecond == 50 && speed.requestSeconds == 2, "nothing done: no sample")
        // 200 tokens in 2 s, 1,000 prompt tokens in 1 s, 3 s over 1 request.
        speed.update(Counters(promptTokens: 2000, promptSeconds: 3, tokens: 600, seconds: 10, requests: 6))
        #expect(speed.tokensPerSecond == 0.7 * 50 + 0.3 * 100)
        #expect(speed.promptTokensPerSecond == 0.7 * 500 + 0.3 * 1000)
        #expect(speed.requestSeconds == 0.7 * 2 + 0.3 * 3)
    }

    @Test func countersThatWentBackStartOver() {
        var speed = EngineSpeed(Counters(promptTokens: 1000, promptSeconds: 2, tokens: 400, seconds: 8, requests: 5))
        // The engine restarted: its counters and the agent's count of its requests start over.
        speed.update(Counters(promptTokens: 100, promptSeconds: 1, tokens: 10, seconds: 1, requests: 1))
        #expect(speed.tokensPerSecond == 0.7 * 50 + 0.3 * 10)
        #expect(speed.requestSeconds == 0.7 * 2 + 0.3 * 2)
    }
}
