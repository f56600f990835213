import Foundation
import Prometheus
import Shared

/// The router's Prometheus metrics, made on one registry that `GET /metrics` renders. No label
/// carries a URL or secret: nodes are labelled by their ID.
struct RouterMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The dashboard's traffic view.
    var traffic = TrafficLog()
    /// The handles every request updates, by label values.
    private let requestCounters = MetricHandles<RequestLabels, Counter>()
    private let requestDurations = MetricHandles<String, DurationHistogram>()
    private let firstBytes = MetricHandles<String, DurationHistogram>()
    private let queueWaits = MetricHandles<String, DurationHistogram>()
    private let warmHits = MetricHandles<String, Counter>()

    private struct RequestLabels: Hashable, Sendable {
        var model: String
        var node: String?
        var status: Int
    }

    /// The `model` label of requests for models that no node serves and nobody registered: one
    /// series for all of them, so names clients make up cannot grow the metrics without bound.
    static let unknownModel = "(unknown)"

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    /// A request finished (or failed) with `status` (and an error `code`). A model nobody
    /// serves or registered (`modelKnown` false) is labelled ``unknownModel``; the dashboard's
    /// traffic log keeps its name.
    func requestFinished(
        model: String,
        node: String?,
        status: Int,
        duration: Duration,
        firstByte: Duration? = nil,
        code: String? = nil,
        usage: TokenUsage? = nil,
        modelKnown: Bool = true
    ) {
        let label = modelKnown ? model : Self.unknownModel
        requestCounters.handle(RequestLabels(model: label, node: node, status: status)) {
            registry.makeCounter(descriptor: Self.requests, labels: [("model", label), ("node", node ?? "none"), ("status", String(status))])
        }.increment()
        requestDurations.handle(label) {
            registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("model", label)], buckets: Self.latencyBuckets)
        }.record(duration)
        traffic.record(
            RequestRecord(
                at: Date().timeIntervalSince1970,
                model: model,
                nodeID: node,
                status: status,
                code: code,
                latencyMs: duration.milliseconds,
                firstByteMs: firstByte?.milliseconds,
                promptTokens: usage?.promptTokens,
                completionTokens: usage?.completionTokens
            )
        )
    }

    /// The node's response head arrived this long after the request reached the router.
    func firstByte(model: String, after duration: Duration) {
        firstBytes.handle(model) {
            registry.makeDurationHistogram(descriptor: Self.timeToFirstByte, labels: [("model", model)], buckets: Self.latencyBuckets)
        }.record(duration)
    }

    /// A request waited this long in its model's queue.
    func queued(model: String, for duration: Duration) {
        queueWaits.handle(model) {
            registry.makeDurationHistogram(descriptor: Self.queueWait, labels: [("model", model)], buckets: Self.latencyBuckets)
        }.record(duration)
    }

    /// A request moved on to another node.
    func retried(model: String) {
        registry.makeCounter(descriptor: Self.retries, labels: [("model", model)]).increment()
    }

    /// A request with a session key was placed.
    func session(model: String, _ placement: SessionPlacement) {
        registry.makeCounter(descriptor: Self.sessions, labels: [("model", model), ("placement", placement.rawValue)]).increment()
    }

    /// A request went to a node where its model's engine was warm.
    func warmHit(model: String) {
        warmHits.handle(model) { registry.makeCounter(descriptor: Self.warmHits, labels: [("model", model)]) }.increment()
    }

    /// A request went to a node where its model's engine was cold (it starts there).
    func coldStart(model: String, node: String) {
        registry.makeCounter(descriptor: Self.coldStarts, labels: [("model", model), ("node", node)]).increment()
    }

    /// A (node, model) pair was excluded.
    func excluded(node: String, model: String) {
        registry.makeCounter(descriptor: Self.exclusions, labels: [("node", node), ("model", model)]).increment()
    }

    /// Fleet gauges, refreshed by the maintenance loop.
    func fleet(nodes: [NodeStatus], queueDepths: [String: Int]) {
        for status in nodes {
            let (node, online) = (status.node, status.online)
            registry.makeGauge(descriptor: Self.nodeUp, labels: [("node", node.id), ("name", node.name)]).set(online ? 1.0 : 0.0)
            registry.makeGauge(descriptor: Self.nodeInFlight, labels: [("node", node.id)]).set(Double(status.inFlight))
            registry.makeGauge(descriptor: Self.nodeExcludedModels, labels: [("node", node.id)]).set(Double(node.excluded.count))
        }
        for (model, depth) in queueDepths {
            registry.makeGauge(descriptor: Self.queueDepth, labels: [("model", model)]).set(Double(depth))
        }
    }
}
