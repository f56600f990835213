import NIOConcurrencyHelpers

/// Calls a relay's completion handler exactly once: when the relay ends, or, if the server
/// never ran the response body (the client left before the response head went out), when the
/// response is released. Without this, the router would hold that request's node slot forever.
final class RelayCompletion: Sendable {
    private let handler: NIOLockedValueBox<(@Sendable (RelayOutcome, TokenUsage?) async -> Void)?>

    init(_ handler: @escaping @Sendable (RelayOutcome, TokenUsage?) async -> Void) {
        self.handler = NIOLockedValueBox(handler)
    }

    /// Reports how the relay ended (only the first call counts).
    func finish(_ outcome: RelayOutcome, _ usage: TokenUsage?) async {
        await handler.withLockedValue { $0.take() }?(outcome, usage)
    }

    deinit {
        guard let handler = handler.withLockedValue({ $0.take() }) else { return }
        Task { await handler(.clientDisconnected, nil) }
    }
}
