import NIOConcurrencyHelpers
import NIOCore

/// Notices a client going away while the server still works on its request, without reading
/// from the connection: it sits in each connection's pipeline and sees the end of the inbound
/// side (the client closed or reset the connection) as it happens.
///
/// Hummingbird's own watcher consumes the request stream, after which the connection cannot
/// serve another request; this one leaves keep-alive connections untouched, so every request
/// (not only streams) can be cancelled when its client leaves.
public final class ConnectionCloseNotifier: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    public typealias InboundIn = NIOAny

    private struct State {
        var closed = false
        var observers: [Int: @Sendable () -> Void] = [:]
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())
    /// The notifiers by the connection they sit in, so a request finds its connection's with one
    /// lookup instead of a walk through the pipeline (a dynamic cast per handler).
    private static let installed = NIOLockedValueBox<[ObjectIdentifier: ConnectionCloseNotifier]>([:])

    /// Creates a notifier for one connection.
    public init() {}

    /// The notifier in `channel`'s pipeline, if one was added.
    public static func notifier(of channel: any Channel) -> ConnectionCloseNotifier? {
        installed.withLockedValue { $0[ObjectIdentifier(channel)] }
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        Self.installed.withLockedValue { $0[ObjectIdentifier(context.channel)] = self }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        // A closed channel's pipeline removes every handler, so no entry outlives its channel.
        Self.installed.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(context.channel)) }
    }

    /// Whether the client has closed or reset the connection.
    public var isClosed: Bool { state.withLockedValue(\.closed) }

    /// Calls `observer` once when the client goes (at once, if it has already gone).
    /// - Returns: A token for ``stopObserving(_:)``.
    public func observe(_ observer: @escaping @Sendable () -> Void) -> Int {
        let (id, closed) = state.withLockedValue { state in
            state.nextID += 1
            if !state.closed { state.observers[state.nextID] = observer }
            return (state.nextID, state.closed)
        }
        if closed { observer() }
        return id
    }

    /// Stops calling the observer registered under `id`.
    public func stopObserving(_ id: Int) {
        _ = state.withLockedValue { $0.observers.removeValue(forKey: id) }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { clientLeft() }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        clientLeft()
        context.fireChannelInactive()
    }

    private func clientLeft() {
        let observers = state.withLockedValue { state in
            state.closed = true
            defer { state.observers = [:] }
            return Array(state.observers.values)
        }
        for observer in observers { observer() }
    }
}
