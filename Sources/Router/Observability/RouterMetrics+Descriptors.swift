import Prometheus

/// The router's metric names, with the help text `GET /metrics` prints for each. Built once,
/// not per request; `nonisolated(unsafe)` because the library's descriptor (immutable strings)
/// does not declare `Sendable`.
extension RouterMetrics {
    private static func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "switchyard", metricName: name, unitName: unit, helpText: help)
    }

    nonisolated(unsafe) static let requests = named("requests", "total", "Inference requests answered, by model, node and status.")
    nonisolated(unsafe) static let requestDuration = named("request_duration", "seconds", "Time from a request's arrival to its last byte.")
    nonisolated(unsafe) static let timeToFirstByte = named(
        "time_to_first_byte",
        "seconds",
        "Time from a request's arrival to the node's response head."
    )
    nonisolated(unsafe) static let queueWait = named("queue_wait", "seconds", "Time a request waited in its model's queue for a free node.")
    nonisolated(unsafe) static let retries = named("retries", "total", "Requests moved on to another node before their first byte.")
    nonisolated(unsafe) static let sessions = named(
        "session_requests",
        "total",
        "Requests with a session key, by placement: kept on their conversation's node, moved off it (gone, excluded or full), or new."
    )
    nonisolated(unsafe) static let warmHits = named(
        "warm_hits",
        "total",
        "Requests sent to a node where the model's engine was warm (ready or starting)."
    )
    nonisolated(unsafe) static let coldStarts = named(
        "cold_starts",
        "total",
        "Requests sent to a node where the model's engine was not warm (every warm node was at capacity, or none was warm)."
    )
    nonisolated(unsafe) static let exclusions = named("exclusions", "total", "Times a model was excluded on a node after a failure.")
    nonisolated(unsafe) static let nodeUp = named("node_up", "", "Whether the node has been heard from recently (1) or not (0).")
    nonisolated(unsafe) static let nodeInFlight = named("node_in_flight", "", "Requests the router has in flight on the node.")
    nonisolated(unsafe) static let nodeExcludedModels = named("node_excluded_models", "", "Models currently excluded on the node.")
    nonisolated(unsafe) static let queueDepth = named("queue_depth", "", "Requests waiting in the model's queue.")
}
