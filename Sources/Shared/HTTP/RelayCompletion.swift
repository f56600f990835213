import NIOConcurrencyHelpers

/// Calls a relay's completion handler exactly once: when the relay ends, or, if the server
/// never ran the response body (the client left before the response head went out), when the
/// response is released. Without this, the router would hold that request's node slot forever.
final class RelayCompletion: Sendable {
    private let handler: NIOLockedValueBox<(@Sendable (RelayOutcome, TokenUsage?) -> Void)?>

    init(_ handler: @escaping @Sendable (RelayOutcome, TokenUsage?) -> Void) {
        self.handler = NIOLockedValueBox(handler)
    }

    /// Reports how the relay ended (only the first call counts).
    func finish(_ outcome: RelayOutcome, _ usage: TokenUsage?) {
        handler.withLockedValue { $0.take() }?(outcome, usage)
    }

    deinit {
        handler.withLockedValue { $0.take() }?(.clientDisconnected, nil)
    }
}
