import NIOConcurrencyHelpers

/// Metric handles kept by their label values for the request path: the registry's own lookup
/// rebuilds the metric's name and hashes its labels on every call.
final class MetricHandles<Key: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let handles = NIOLockedValueBox<[Key: Metric]>([:])

    /// The handle for `key`, made by `make` the first time.
    func handle(_ key: Key, orMake make: () -> Metric) -> Metric {
        handles.withLockedValue { handles in
            if let metric = handles[key] { return metric }
            let metric = make()
            handles[key] = metric
            return metric
        }
    }
}
