import Hummingbird
import NIOConcurrencyHelpers

/// Notices a client leaving for the whole life of one request: while it waits in a queue, while
/// the node prepares the first byte, and while the response streams. Hummingbird does not cancel
/// a handler when its client goes away.
///
/// On the servers' connections a ``ConnectionCloseNotifier`` tells the watch, at no cost to the
/// connection. Without one (a connection set up otherwise), ``start()`` falls back to
/// Hummingbird's inbound-close watcher, usable once per request and spanning the handler and
/// the response body; it consumes the connection's inbound side, so the server closes the
/// connection after the response: start it only where that is worth it (streams, queued
/// requests), and send `Connection: close` with the response (``isWatching``).
public final class ClientDisconnectWatch: Sendable {
    private struct State {
        var watching = false
        var closed = false
        var released = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var releaseWaiter: CheckedContinuation<Void, Never>?
        var watcher: Task<Void, Never>?
        var registration: Int?
    }

    private let body: RequestBody
    private let state = NIOLockedValueBox(State())
    /// The connection's close notifier (this watch's registration is in `state`).
    private let connection: ConnectionCloseNotifier?

    /// Creates a watch over the request's connection.
    /// - Parameters:
    ///   - request: The request.
    ///   - connection: The connection's close notifier: with it, the client leaving is noticed
    ///     from the start, at no cost to the connection. Without it, nothing is watched until
    ///     ``start()``.
    public init(request: Request, connection: ConnectionCloseNotifier? = nil) {
        self.body = request.body
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

    /// Whether a client leaving is noticed now (the connection's notifier, or a started watch).
    public var isNoticing: Bool { connection != nil || isWatching }

    /// Whether the watch has started (the connection closes after this response).
    public var isWatching: Bool { state.withLockedValue(\.watching) }

    /// `error`, with `Connection: close` when the watch has started (the server closes the
    /// connection after this response; a pooling client must not reuse it).
    public func closingConnection(_ error: OpenAIError) -> OpenAIError {
        guard isWatching else { return error }
        var error = error
        error.headers[.connection] = "close"
        return error
    }

    /// Whether the client has gone away.
    public var isClosed: Bool { state.withLockedValue(\.closed) }

    /// Starts Hummingbird's inbound-close watcher (once; later calls do nothing), unless the
    /// connection's notifier already notices the client leaving: then nothing needs to start,
    /// and the connection stays open for the next request. The watcher ends on ``finish()`` or
    /// when the client goes away.
    public func start() {
        guard connection == nil else { return }
        state.withLockedValue { state in
            guard !state.watching else { return }
            state.watching = true
            state.watcher = Task {
                _ = try? await body.consumeWithInboundCloseHandler { _ in
                    await self.waitUntilReleased()
                } onInboundClosed: {
                    self.markClosed()
                }
            }
        }
    }

    /// Ends the watch and waits until the watcher has let go of the connection; call it before
    /// the response completes (the server reads the connection again afterwards).
    public func finish() async {
        let (waiter, watcher) = state.withLockedValue { state in
            state.released = true
            return (state.releaseWaiter.take(), state.watcher)
        }
        waiter?.resume()
        await watcher?.value
    }

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
        let (waiters, releaseWaiter) = state.withLockedValue { state in
            state.closed = !state.released
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), state.releaseWaiter.take())
        }
        for waiter in waiters { waiter.resume() }
        releaseWaiter?.resume()
    }

    private func waitUntilReleased() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLockedValue { state in
                if state.released || state.closed { return true }
                state.releaseWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
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
