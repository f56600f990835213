import Prometheus

/// The router's metric names, with the help text `GET /metrics` prints for each. (Computed:
/// the library's descriptor type is not `Sendable`, so it cannot be a shared constant.)
extension RouterMetrics {
    private static func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "switchyard", metricName: name, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor { named("requests", "total", "Inference requests answered, by model, node and status.") }
    static var requestDuration: MetricNameDescriptor { named("request_duration", "seconds", "Time from a request's arrival to its last byte.") }
    static var timeToFirstByte: MetricNameDescriptor {
        named("time_to_first_byte", "seconds", "Time from a request's arrival to the node's response head.")
    }
    static var queueWait: MetricNameDescriptor { named("queue_wait", "seconds", "Time a request waited in its model's queue for a free node.") }
    static var retries: MetricNameDescriptor { named("retries", "total", "Requests moved on to another node before their first byte.") }
    static var exclusions: MetricNameDescriptor { named("exclusions", "total", "Times a model was excluded on a node after a failure.") }
    static var nodeUp: MetricNameDescriptor { named("node_up", "", "Whether the node has been heard from recently (1) or not (0).") }
    static var nodeInFlight: MetricNameDescriptor { named("node_in_flight", "", "Requests the router has in flight on the node.") }
    static var nodeExcludedModels: MetricNameDescriptor { named("node_excluded_models", "", "Models currently excluded on the node.") }
    static var queueDepth: MetricNameDescriptor { named("queue_depth", "", "Requests waiting in the model's queue.") }
}
