import Hummingbird
import Logging
import NIOCore
import Shared

/// Routes one inference request: leases a slot on a node that serves the model (waiting in
/// the model's queue when all are busy) and runs ``RequestAttempt``s until one answers or the
/// bounded retries run out (DESIGN.md §3).
struct RequestRouter: Sendable {
    let registry: NodeRegistry
    let forwarder: UpstreamForwarder
    let metrics: RouterMetrics
    /// Presented to the agents as the bearer token.
    let nodeToken: String
    /// How long a node may take to start answering.
    let firstByteTimeout: TimeAmount
    /// Nodes tried per request at most.
    let maxAttempts: Int

    /// The node's answer as the client's response.
    /// - Throws: ``RoutingError`` (no node, queue full or timed out, every attempt failed);
    ///   `CancellationError` when the client left.
    func route(_ request: RoutedRequest, watch: ClientDisconnectWatch, logger: Logger) async throws -> Response {
        var tried: Set<String> = []
        var waiting = Duration.zero  // in the queue and on nodes: not the router's own time
        while tried.count < maxAttempts {
            let lease: NodeLease
            let queued = ContinuousClock.now
            do {
                lease = try await registry.lease(model: request.model, excluding: tried, session: request.session, watch: watch)
            } catch let error as RoutingError where !tried.isEmpty && !error.isQueueFull {
                break  // every candidate failed already: report the upstream failure
            }
            let queueWait = ContinuousClock.now - queued
            waiting += queueWait
            if queueWait > .milliseconds(1) { metrics.queued(model: request.model, for: queueWait) }
            if !tried.isEmpty { metrics.retried(model: request.model) }
            if lease.warm {
                metrics.warmHit(model: request.model)
            } else {
                metrics.coldStart(model: request.model, node: lease.nodeID)
            }
            if let placement = lease.session { metrics.session(model: request.model, placement) }
            tried.insert(lease.nodeID)
            let attempt = RequestAttempt(lease: lease, request: request, router: self)
            if let response = try await attempt.run(watch: watch, waiting: &waiting, logger: logger) {
                return response
            }
        }
        throw RoutingError.upstreamFailed
    }
}

extension RoutingError {
    /// Whether this is the queue refusing the request (which a retry reports as it is).
    var isQueueFull: Bool {
        if case .queueFull = self { return true }
        return false
    }
}
