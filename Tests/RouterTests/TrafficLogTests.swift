import Foundation
import Testing

@testable import SwitchyardRouter

@Suite struct TrafficLogTests {
    static let minuteStart = 1_800_000_000.0 - 1_800_000_000.0.truncatingRemainder(dividingBy: 60)

    static func record(at: Double, latency: Double, status: Int = 200, code: String? = nil) -> RequestRecord {
        RequestRecord(at: at, model: "m", nodeID: "n", status: status, code: code, latencyMs: latency, firstByteMs: latency / 2)
    }

    @Test func aBusyMinuteKeepsAUniformSampleOfItsLatencies() throws {
        let log = TrafficLog()
        let count = TrafficLog.samplesPerMinute * 4
        // Latencies rise through the minute: a sample that kept only the first or the last
        // values would put the median far from the middle.
        for index in 0..<count {
            log.record(Self.record(at: Self.minuteStart + 30, latency: Double(index)))
        }
        let point = try #require(log.lastHour(now: Date(timeIntervalSince1970: Self.minuteStart + 30)).minutes.last)
        #expect(point.requestsPerSecond == Double(count) / 60)
        let median = try #require(point.latencyP50)
        #expect(abs(median - Double(count) / 2) < Double(count) / 10)
        let firstByte = try #require(point.firstByteP95)
        #expect(abs(firstByte - Double(count) * 0.95 / 2) < Double(count) / 20)
    }

    @Test func errorsAreCountedByStatusAndCode() throws {
        let log = TrafficLog()
        log.record(Self.record(at: Self.minuteStart, latency: 1, status: 503, code: "no_capable_nodes"))
        log.record(Self.record(at: Self.minuteStart, latency: 1, status: 503, code: "no_capable_nodes"))
        log.record(Self.record(at: Self.minuteStart, latency: 1, status: 500))
        let point = try #require(log.lastHour(now: Date(timeIntervalSince1970: Self.minuteStart)).minutes.last)
        #expect(point.errors == ["503 no_capable_nodes": 2, "500": 1])
    }

    @Test func minutesOlderThanAnHourAreForgotten() {
        let log = TrafficLog()
        for minute in 0..<90 {
            log.record(Self.record(at: Self.minuteStart + Double(minute * 60), latency: 1))
        }
        log.sampleQueues(["m": 3], at: Date(timeIntervalSince1970: Self.minuteStart + 89 * 60))
        let minutes = log.lastHour(now: Date(timeIntervalSince1970: Self.minuteStart + 89 * 60)).minutes
        #expect(minutes.count == 60)
        #expect(minutes.allSatisfy { $0.requestsPerSecond == 1.0 / 60 })
        #expect(minutes.last?.queueDepth == ["m": 3])
        #expect(log.drainPending().count == 90)
        #expect(log.drainPending().isEmpty)
    }
}
