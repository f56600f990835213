import Hummingbird
import Logging
import NIOCore
import Shared

/// Routes one inference request: leases a slot on a node that serves the model (waiting in
/// the model's queue when all are busy) and runs ``RequestAttempt``s until one answers or the
/// bounded retries run out (DESIGN.md §3). A node that says it is busy (429, 503: its own count
/// is the arbiter of its capacity, whoever else sends to it) is no failure: the request tries
/// the other nodes, then comes back to the busy ones a little later, for as long as it could
/// have waited in the queue.
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
    /// How long a request whose nodes all say they are busy keeps asking them.
    var busyPatience: Duration = .seconds(30)

    /// The node's answer as the client's response.
    /// - Throws: ``RoutingError`` (no node, queue full or timed out, every attempt failed);
    ///   `CancellationError` when the client left.
    func route(_ request: RoutedRequest, watch: ClientDisconnectWatch, logger: Logger) async throws -> Response {
        var (tried, busy): (Set<String>, Set<String>) = ([], [])  // failed this request; said busy this round
        var waiting = Duration.zero  // in the queue and on nodes: not the router's own time
        var pause = Duration.milliseconds(50)
        while tried.count < maxAttempts {
            let lease: NodeLease
            let queued = ContinuousClock.now
            let reasked = !busy.isEmpty
            if reasked {
                // A node said it is full: a slot free elsewhere now, else ask it again a little
                // later (never a queue without it: its place may free first). No session here:
                // a conversation is not moved for good because its node was full for a moment.
                let free = await registry.tryAcquire(model: request.model, excluding: tried.union(busy), patient: false)
                guard case .leased(let now) = free else {
                    try await wait(pause, for: request, watch: watch)
                    waiting += .now - queued
                    (busy, pause) = ([], min(pause * 2, .milliseconds(800)))
                    continue
                }
                lease = now
            } else {
                do {
                    lease = try await registry.lease(model: request.model, excluding: tried, session: request.session, watch: watch)
                } catch let error as RoutingError where !tried.isEmpty && !error.isQueueFull {
                    break  // every candidate failed already: report the upstream failure
                }
            }
            let queueWait = ContinuousClock.now - queued
            waiting += queueWait
            if queueWait > .milliseconds(1) { metrics.queued(model: request.model, for: queueWait) }
            if !tried.isEmpty { metrics.retried(model: request.model) }
            if !reasked {  // once per node choice, not again for each re-ask of a full node
                if lease.warm {
                    metrics.warmHit(model: request.model)
                } else {
                    metrics.coldStart(model: request.model, node: lease.nodeID)
                }
                if let placement = lease.session { metrics.session(model: request.model, placement) }
            }
            let attempt = RequestAttempt(lease: lease, request: request, router: self)
            switch try await attempt.run(watch: watch, waiting: &waiting, logger: logger) {
            case .answered(let response): return response
            case .busy: busy.insert(lease.nodeID)
            case .failed: tried.insert(lease.nodeID)
            }
        }
        throw RoutingError.upstreamFailed
    }

    /// Waits `pause` before busy nodes are asked again.
    /// - Throws: ``RoutingError/queueTimeout(model:)`` past the patience; `CancellationError`
    ///   when the client left.
    private func wait(_ pause: Duration, for request: RoutedRequest, watch: ClientDisconnectWatch) async throws {
        guard ContinuousClock.now + pause < request.arrived + busyPatience else { throw RoutingError.queueTimeout(model: request.model) }
        try await Task.sleep(for: pause)
        if watch.isClosed { throw CancellationError() }
    }
}

extension RoutingError {
    /// Whether this is the queue refusing the request (which a retry reports as it is).
    var isQueueFull: Bool {
        if case .queueFull = self { return true }
        return false
    }
}
