import NIOConcurrencyHelpers

/// The exchanges in flight to one upstream, so that they can all be given up at once when the
/// upstream is declared lost (a node that froze answers nothing and closes nothing: without
/// this, a request waiting on it would wait for its whole first-byte limit). An exchange joins
/// while it waits for its answer and leaves when the answer came; closing the gate cancels
/// those waiting and any that join until it opens again. A lock, not an actor: joining and
/// leaving are on every request's path.
public final class UpstreamGate: Sendable {
    private struct State {
        var closed = false
        var next: UInt64 = 0
        var waiting: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Adds an exchange's cancel handler; returns its ticket, or nil when the gate is closed
    /// (the handler has then been called).
    func join(_ cancel: @escaping @Sendable () -> Void) -> UInt64? {
        let ticket: UInt64? = state.withLockedValue { state in
            guard !state.closed else { return nil }
            state.next &+= 1
            state.waiting[state.next] = cancel
            return state.next
        }
        if ticket == nil { cancel() }
        return ticket
    }

    func leave(_ ticket: UInt64) {
        state.withLockedValue { _ = $0.waiting.removeValue(forKey: ticket) }
    }

    /// Cancels every exchange waiting and refuses new ones until ``open()``; true when it was open.
    @discardableResult
    public func close() -> Bool {
        let (wasOpen, cancels) = state.withLockedValue { state in
            defer { (state.closed, state.waiting) = (true, [:]) }
            return (!state.closed, Array(state.waiting.values))
        }
        for cancel in cancels { cancel() }
        return wasOpen
    }

    public func open() {
        state.withLockedValue { $0.closed = false }
    }

    /// Whether the upstream is declared lost.
    public var isClosed: Bool { state.withLockedValue { $0.closed } }
}
