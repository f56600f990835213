import Foundation
import NIOConcurrencyHelpers

/// The traffic the dashboard charts: per-minute request counts, latency and time-to-first-byte
/// percentiles, errors by code and queue depth per model, for the last hour (in memory), and the
/// finished requests waiting to be written to the request log. Recording takes a lock, not an
/// actor hop, so the request path stays cheap.
final class TrafficLog: Sendable {
    /// Aggregates of one minute.
    struct Minute: Sendable {
        var requests = 0
        var errors: [String: Int] = [:]
        var latencies: [Double] = []
        var firstBytes: [Double] = []
        var queueDepth: [String: Int] = [:]
    }

    private struct State {
        var minutes: [Int: Minute] = [:]
        var pending: [RequestRecord] = []
        var random = SplitMix64()

        /// Changes a minute's aggregates in place (its samples are not copied) and forgets the
        /// minutes more than an hour older.
        mutating func update(_ minute: Int, _ change: (inout Minute, inout SplitMix64) -> Void) {
            change(&minutes[minute, default: Minute()], &random)
            if minutes.count > 61 { minutes = minutes.filter { $0.key > minute - 60 } }
        }
    }

    /// Latency samples kept per minute (a uniform sample beyond that).
    static let samplesPerMinute = 2048
    private let state = NIOLockedValueBox(State())

    /// Records a finished request.
    func record(_ record: RequestRecord) {
        let minute = Int(record.at / 60)
        state.withLockedValue { state in
            if state.pending.count < 100_000 { state.pending.append(record) }
            state.update(minute) { bucket, random in
                bucket.requests += 1
                if record.status >= 400 {
                    bucket.errors["\(record.status) \(record.code ?? "")".trimmingCharacters(in: .whitespaces), default: 0] += 1
                }
                Self.sample(record.latencyMs, into: &bucket.latencies, seen: bucket.requests, using: &random)
                if let firstByte = record.firstByteMs { Self.sample(firstByte, into: &bucket.firstBytes, seen: bucket.requests, using: &random) }
            }
        }
    }

    /// Records the queue depths seen now (the chart shows each minute's largest).
    func sampleQueues(_ depths: [String: Int], at date: Date = Date()) {
        let minute = Int(date.timeIntervalSince1970 / 60)
        state.withLockedValue { state in
            state.update(minute) { bucket, _ in
                for (model, depth) in depths { bucket.queueDepth[model] = max(bucket.queueDepth[model] ?? 0, depth) }
            }
        }
    }

    /// The finished requests not yet written to the request log.
    func drainPending() -> [RequestRecord] {
        state.withLockedValue { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    /// The last hour, one entry per minute, oldest first.
    func lastHour(now: Date = Date()) -> TrafficSummary {
        let current = Int(now.timeIntervalSince1970 / 60)
        let minutes = state.withLockedValue { $0.minutes }
        return TrafficSummary(
            minutes: (current - 59...current).map { minute in
                let bucket = minutes[minute] ?? Minute()
                let latencies = bucket.latencies.sorted()
                let firstBytes = bucket.firstBytes.sorted()
                return TrafficSummary.Point(
                    minute: minute * 60,
                    requestsPerSecond: Double(bucket.requests) / 60,
                    latencyP50: Self.percentile(latencies, 0.5),
                    latencyP95: Self.percentile(latencies, 0.95),
                    firstByteP50: Self.percentile(firstBytes, 0.5),
                    firstByteP95: Self.percentile(firstBytes, 0.95),
                    errors: bucket.errors,
                    queueDepth: bucket.queueDepth
                )
            }
        )
    }

    /// Reservoir sampling: every value seen in the minute has the same chance to be kept.
    private static func sample(_ value: Double, into samples: inout [Double], seen: Int, using random: inout SplitMix64) {
        if samples.count < samplesPerMinute {
            samples.append(value)
        } else if let slot = Optional(Int.random(in: 0..<max(seen, 1), using: &random)), slot < samplesPerMinute {
            samples[slot] = value
        }
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }
}

/// The traffic charts' data: the last 60 minutes.
struct TrafficSummary: Codable, Sendable, Equatable {
    struct Point: Codable, Sendable, Equatable {
        /// Start of the minute (Unix seconds).
        var minute: Int
        var requestsPerSecond: Double
        var latencyP50: Double?
        var latencyP95: Double?
        var firstByteP50: Double?
        var firstByteP95: Double?
        /// Error answers by "STATUS code".
        var errors: [String: Int]
        /// Largest queue depth per model.
        var queueDepth: [String: Int]

        enum CodingKeys: String, CodingKey {
            case minute, errors
            case requestsPerSecond = "requests_per_second"
            case latencyP50 = "latency_p50_ms"
            case latencyP95 = "latency_p95_ms"
            case firstByteP50 = "ttfb_p50_ms"
            case firstByteP95 = "ttfb_p95_ms"
            case queueDepth = "queue_depth"
        }
    }

    var minutes: [Point]
}
