import Testing

@testable import SwitchyardAgent

/// The engine's generation speed, from its own counters.
@Suite struct GenerationSpeedTests {
    static let metrics = """
        # HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
        # TYPE llamacpp:tokens_predicted_total counter
        llamacpp:tokens_predicted_total 400
        # HELP llamacpp:tokens_predicted_seconds_total Predict process time
        # TYPE llamacpp:tokens_predicted_seconds_total counter
        llamacpp:tokens_predicted_seconds_total 8
        llamacpp:prompt_tokens_total 1000
        """

    @Test func countersAreReadFromThePrometheusText() {
        let counters = GenerationSpeed.counters(in: Self.metrics)
        #expect(counters?.tokens == 400)
        #expect(counters?.seconds == 8)
        #expect(GenerationSpeed.counters(in: "llamacpp:tokens_predicted_total 3") == nil, "both counters are needed")
    }

    @Test func theSpeedIsPerIntervalWithGenerationAndSmoothed() {
        #expect(GenerationSpeed(tokens: 0, seconds: 0).tokensPerSecond == nil, "nothing generated yet")
        var speed = GenerationSpeed(tokens: 400, seconds: 8)
        #expect(speed.tokensPerSecond == 50, "what it generated since it started")
        speed.update(tokens: 400, seconds: 8)
        #expect(speed.tokensPerSecond == 50, "nothing generated: no sample")
        speed.update(tokens: 600, seconds: 10)  // 200 tokens in 2 s: 100, smoothed
        #expect(speed.tokensPerSecond == 0.7 * 50 + 0.3 * 100)
        speed.update(tokens: 10, seconds: 1)  // the engine restarted: counters start over
        #expect(speed.tokensPerSecond == 65)
        speed.update(tokens: 110, seconds: 2)
        #expect(speed.tokensPerSecond == 0.7 * 65 + 0.3 * 100)
    }
}
