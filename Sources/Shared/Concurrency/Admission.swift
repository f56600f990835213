import NIOConcurrencyHelpers
import NIOCore

/// A number of places taken and given back from any thread, never more than `limit` at once:
/// a server's open connections (``ClientGuard``), an agent's requests in flight (it is the
/// arbiter of its capacity, whoever sends). A lock, not an actor: a place is taken on every
/// connection or request.
public final class Admission: Sendable {
    private let taken = NIOLockedValueBox(0)
    /// When a refusal was last logged: one line per ten seconds at most, however many come.
    private let lastReport = NIOLockedValueBox<NIODeadline?>(nil)
    /// The most places taken at once.
    public let limit: Int

    /// Creates an admission of `limit` places.
    public init(limit: Int) {
        self.limit = limit
    }

    /// The places taken now.
    public var current: Int { taken.withLockedValue { $0 } }

    /// Takes a place; false (and nothing taken) when all are taken.
    public func tryAdmit() -> Bool {
        taken.withLockedValue { taken in
            guard taken < limit else { return false }
            taken += 1
            return true
        }
    }

    /// Gives back a place taken before.
    public func release() {
        taken.withLockedValue { $0 = max(0, $0 - 1) }
    }

    /// Whether a refusal now should be logged (the first in ten seconds).
    public func shouldReportRefusal() -> Bool {
        lastReport.withLockedValue { last in
            let now = NIODeadline.now()
            guard last.map({ now - $0 >= .seconds(10) }) ?? true else { return false }
            last = now
            return true
        }
    }
}
