import NIOConcurrencyHelpers

/// Notices a client leaving for the whole life of one request: while it waits in a queue, while
/// the node prepares the first byte, and while the response streams (Hummingbird does not cancel
/// a handler when its client goes away). The connection's ``ConnectionCloseNotifier`` tells it,
/// at no cost to the connection; without a notifier nothing is noticed.
///
/// What the client leaving stops is said by each step, as a handler the watch runs
/// (``whileWatching(isolation:onClose:_:)``): the router's queue gives up the request's place,
/// a request in flight to a node or engine has its connection closed, a relay stops reading.
/// Or the watch runs the step as a task of its own and cancels it (``cancellingOnClose(_:)``,
/// the agent's way, which costs a task per request). The watch holds handlers, and never a
/// task it did not create.
public final class ClientDisconnectWatch: Sendable {
    private struct State {
        var closed = false
        /// What to run when the client leaves, by watched step.
        var handlers: [Int: @Sendable () -> Void] = [:]
        var nextStep = 0
        var registration: Int?
    }

    private let state = NIOLockedValueBox(State())
    /// The connection's close notifier (this watch's registration is in `state`).
    private let connection: ConnectionCloseNotifier?
    /// Where the tasks of ``cancellingOnClose(_:)`` run.
    private let executor: any TaskExecutor

    /// Creates a watch over a request's connection.
    /// - Parameters:
    ///   - connection: The connection's close notifier, if the server installed one.
    ///   - executor: Where the steps the watch runs as tasks of their own prefer to run: the
    ///     servers' event loops, like the requests themselves (a task does not inherit its
    ///     creator's preference, and Swift offers no way to read it).
    public init(connection: ConnectionCloseNotifier?, executor: any TaskExecutor = EventLoopTaskExecutor.shared) {
        self.connection = connection
        self.executor = executor
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

    /// Runs `operation` on the calling task (in the caller's isolation) and, when the client
    /// leaves before it ends, runs `onClose` once (on the thread that noticed; it must not
    /// block). A step that would start after the client left does not run.
    /// - Throws: `CancellationError` when the client left (whatever `operation` then threw),
    ///   or what `operation` throws.
    public func whileWatching<Value>(
        isolation: isolated (any Actor)? = #isolation,
        onClose: @escaping @Sendable () -> Void,
        _ operation: () async throws -> Value
    ) async throws -> Value {
        guard connection != nil else { return try await operation() }
        let step = try watch(onClose)
        defer { unwatch(step) }
        do {
            return try await operation()
        } catch  where isClosed {
            throw CancellationError()
        }
    }

    /// Runs `operation` as a task of its own, on the watch's executor, which the client leaving
    /// cancels (so does the caller's cancellation). An operation that finishes with a value even
    /// so returns it, so that what it acquired can be released by the caller, whose next
    /// watched step then sees the client gone.
    /// - Throws: `CancellationError` when the client left, or what `operation` throws.
    public func cancellingOnClose<Value: Sendable>(_ operation: sending @escaping () async throws -> Value) async throws -> Value {
        guard connection != nil else { return try await operation() }
        // Watched before the task exists, so that no departure falls between the two.
        let started = NIOLockedValueBox<Task<Value, any Error>?>(nil)
        let step = try watch { started.withLockedValue { $0 }?.cancel() }
        defer { unwatch(step) }
        let task = Task(executorPreference: executor, operation: operation)
        started.withLockedValue { $0 = task }
        if isClosed { task.cancel() }  // the client left before the task was there to cancel
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch  where isClosed {
            throw CancellationError()
        }
    }

    /// Registers a step's close handler.
    /// - Throws: `CancellationError` when the client has left already (the step must not run).
    private func watch(_ onClose: @escaping @Sendable () -> Void) throws -> Int {
        let step = state.withLockedValue { state -> Int? in
            guard !state.closed else { return nil }
            state.nextStep += 1
            state.handlers[state.nextStep] = onClose
            return state.nextStep
        }
        guard let step else { throw CancellationError() }
        return step
    }

    private func unwatch(_ step: Int) {
        _ = state.withLockedValue { $0.handlers.removeValue(forKey: step) }
    }

    private func markClosed() {
        let handlers = state.withLockedValue { state in
            state.closed = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }
}
