import NIOConcurrencyHelpers

/// Notices a client leaving for the whole life of one request: while it waits in a queue, while
/// the node prepares the first byte, and while the response streams (Hummingbird does not cancel
/// a handler when its client goes away). The connection's ``ConnectionCloseNotifier`` tells it,
/// at no cost to the connection; without a notifier nothing is noticed.
public final class ClientDisconnectWatch: Sendable {
    private struct State {
        var closed = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
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
    /// - Throws: `CancellationError` when the client left, or what `operation` throws.
    public func cancellingOnClose<Value: Sendable>(_ operation: () async throws -> Value) async throws -> Value {
        try await withoutActuallyEscaping(operation) { operation in
            let unsafe = UnsafeOperation(operation: operation)
            return try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
                group.addTask { .value(try await unsafe.operation()) }
                group.addTask {
                    await self.closed()
                    return .closed
                }
                defer { group.cancelAll() }
                if case .value(let value) = try await group.next() { return value }
                group.cancelAll()
                do {
                    if case .value(let value) = try await group.next() { return value }
                } catch {}
                throw CancellationError()
            }
        }
    }

    /// Returns when the client has gone away, or when the calling task is cancelled.
    public func closed() async {
        let id = state.withLockedValue { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLockedValue { state in
                    if state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    private func markClosed() {
        let waiters = state.withLockedValue { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What finished first in ``ClientDisconnectWatch/cancellingOnClose(_:)``.
private enum Outcome<Value: Sendable>: Sendable {
    case value(Value)
    case closed
}

/// Carries a non-escaping operation into a task group that finishes before the call returns.
private struct UnsafeOperation<Value>: @unchecked Sendable {
    let operation: () async throws -> Value
}
