import NIOConcurrencyHelpers

/// Notices a client leaving for the whole life of one request: while it waits in a queue, while
/// the node prepares the first byte, and while the response streams (Hummingbird does not cancel
/// a handler when its client goes away). The connection's ``ConnectionCloseNotifier`` tells it,
/// at no cost to the connection; without a notifier nothing is noticed.
public final class ClientDisconnectWatch: Sendable {
    private struct State {
        var closed = false
        /// The tasks running an operation under ``cancellingOnClose(_:)``, by call.
        var running: [Int: WatchedTask] = [:]
        var nextCall = 0
        var registration: Int?
    }

    private let state = NIOLockedValueBox(State())
    /// Held while tasks are cancelled, and by a call that ends: a task is never touched once
    /// its call has returned. (Cancelling outside `state`'s lock lets cancellation handlers
    /// ask ``isClosed``.)
    private let cancelling = NIOLock()
    /// The connection's close notifier (this watch's registration is in `state`).
    private let connection: ConnectionCloseNotifier?

    /// Creates a watch over a request's connection.
    /// - Parameter connection: The connection's close notifier, if the server installed one.
    public init(connection: ConnectionCloseNotifier?) {
        self.connection = connection
        guard let connection else { return }
        let registration = connection.observe { [weak self] in self?.markClosed() }
        state.withLockedValue { $0.registration = registration }
    }

    deinit {
        if let connection, let registration = state.withLockedValue(\.registration) {
            connection.stopObserving(registration)
        }
    }

    /// Whether the client has gone away.
    public var isClosed: Bool { state.withLockedValue(\.closed) }

    /// Runs `operation`, cancelling it when the client goes away; an operation that starts
    /// after the client left does not run. An operation that finishes with a value even so
    /// returns it (so what it acquired can be released by the caller, whose next watched step
    /// then sees the client gone).
    ///
    /// The operation runs on the calling task, and a client that leaves cancels that task: the
    /// connection's own task in a server (Hummingbird does not cancel a handler when its
    /// client goes away), whose connection is gone by then. No task is made per call.
    /// - Throws: `CancellationError` when the client left, or what `operation` throws.
    public func cancellingOnClose<Value: Sendable>(_ operation: () async throws -> Value) async throws -> Value {
        guard connection != nil else { return try await operation() }
        // The task is kept beyond `withUnsafeCurrentTask`'s closure, which is sound here: it is
        // the task running this call (alive until the call returns), `cancel()` may be called
        // from any thread, and the entry is removed under `cancelling` before the call returns.
        guard let task = withUnsafeCurrentTask(body: { $0.map(WatchedTask.init) }) else { return try await operation() }
        let call = state.withLockedValue { state -> Int? in
            guard !state.closed else { return nil }
            state.nextCall += 1
            state.running[state.nextCall] = task
            return state.nextCall
        }
        guard let call else { throw CancellationError() }
        defer {
            cancelling.withLock { _ = state.withLockedValue { $0.running.removeValue(forKey: call) } }
        }
        do {
            return try await operation()
        } catch  where isClosed {
            throw CancellationError()
        }
    }

    private func markClosed() {
        cancelling.withLock {
            let running = state.withLockedValue { state in
                state.closed = true
                defer { state.running = [:] }
                return Array(state.running.values)
            }
            for task in running { task.task.cancel() }
        }
    }
}

/// A task inside a ``ClientDisconnectWatch/cancellingOnClose(_:)`` call, which outlives the
/// entry that holds it (the call removes it before it returns).
private struct WatchedTask: @unchecked Sendable {
    let task: UnsafeCurrentTask
}
