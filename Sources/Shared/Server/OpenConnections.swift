import NIOConcurrencyHelpers
import NIOCore

/// The connections one server has open, shared by their ``ClientGuard``s, so a connection past
/// ``ServerLimits/maxConnections`` is refused as it opens.
public final class OpenConnections: Sendable {
    private let count = NIOLockedValueBox(0)
    /// When a refusal was last logged: one line per ten seconds at most, however many come.
    private let lastReport = NIOLockedValueBox<NIODeadline?>(nil)
    /// The most connections held open at once.
    public let limit: Int

    /// Creates a counter admitting at most `limit` connections.
    public init(limit: Int) {
        self.limit = limit
    }

    /// The connections open now.
    public var current: Int { count.withLockedValue { $0 } }

    /// Counts a new connection; false (and not counted) when the server is full.
    func admit() -> Bool {
        count.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Forgets an admitted connection.
    func release() {
        count.withLockedValue { $0 -= 1 }
    }

    /// Whether a refusal now should be logged (the first in ten seconds).
    func shouldReportRefusal() -> Bool {
        lastReport.withLockedValue { last in
            let now = NIODeadline.now()
            guard last.map({ now - $0 >= .seconds(10) }) ?? true else { return false }
            last = now
            return true
        }
    }
}
