/// How a server stops on SIGTERM or SIGINT: health turns unready at once, new connections are
/// still accepted for `delay` (for load balancers to notice), then the listener closes and the
/// requests and streams in flight get up to `timeout` to finish before they are cut.
public struct DrainSettings: Sendable, Equatable {
    /// Time between health turning unready and the listener closing.
    public var delay: Duration = .zero
    /// Time the requests in flight get once the drain began (the delay included).
    public var timeout: Duration = .seconds(30)

    /// The defaults: no delay, 30 s for requests in flight.
    public init() {}
}
