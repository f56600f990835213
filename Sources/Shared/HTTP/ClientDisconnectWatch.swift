import NIOConcurrencyHelpers

/// Notices a client leaving for the whole life of one request: while it waits in a queue, while
/// the node prepares the first byte, and while the response streams (Hummingbird does not cancel
/// a handler when its client goes away). The connection's ``ConnectionCloseNotifier`` tells it,
/// at no cost to the connection; without a notifier nothing is noticed.
public final class ClientDisconnectWatch: Sendable {
    private struct State {
        var closed = false
        /// Cancels each operation running under ``cancellingOnClose(_:)``, by call.
        var running: [Int: @Sendable () -> Void] = [:]
        var nextCall = 0
        var registration: Int?
    }

    private let state = NIOLockedValueBox(State())
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

    /// Runs `operation`, cancelling it when the client goes away. An operation that finishes
    /// with a value even so returns it (so what it acquired can be released by the caller,
    /// whose next watched step then sees the client gone).
    ///
    /// The operation runs as one task of its own, which the connection's close cancels (a
    /// handler's own task cannot be cancelled from outside); cancelling the caller cancels it too.
    /// - Throws: `CancellationError` when the client left, or what `operation` throws.
    public func cancellingOnClose<Value: Sendable>(_ operation: () async throws -> Value) async throws -> Value {
        guard connection != nil else { return try await operation() }
        return try await withoutActuallyEscaping(operation) { operation in
            let unsafe = UnsafeOperation(operation: operation)
            // An unstructured task does not inherit the caller's task executor: pass it on.
            let preferred = withUnsafeCurrentTask { $0?.unownedTaskExecutor?.asTaskExecutor() }
            let task = Task(executorPreference: preferred) { try await unsafe.operation() }
            let call = state.withLockedValue { state -> Int? in
                guard !state.closed else { return nil }
                state.nextCall += 1
                state.running[state.nextCall] = { task.cancel() }
                return state.nextCall
            }
            if call == nil { task.cancel() }
            defer {
                if let call { state.withLockedValue { _ = $0.running.removeValue(forKey: call) } }
            }
            do {
                // The task is always awaited to its end, so `operation` never outlives this call.
                return try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
            } catch  where isClosed {
                throw CancellationError()
            }
        }
    }

    private func markClosed() {
        let running = state.withLockedValue { state in
            state.closed = true
            defer { state.running = [:] }
            return Array(state.running.values)
        }
        for cancel in running { cancel() }
    }
}

/// Carries a non-escaping operation into a task that ends before the call returns.
private struct UnsafeOperation<Value>: @unchecked Sendable {
    let operation: () async throws -> Value
}
