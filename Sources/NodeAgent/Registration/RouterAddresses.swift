import Foundation
import Synchronization

/// The router as the agent reaches it: one URL (a single router, or replicas behind a load
/// balancer) or each replica's own. The agent talks to one at a time; when it cannot reach
/// that one, it moves on to the next, which knows the node too (replicas share their state).
final class RouterAddresses: Sendable {
    let urls: [String]
    private let index = Mutex(0)

    /// - Parameter list: Comma-separated base URLs (at least one: ``isValid(_:)`` each); a
    ///   trailing `/` is dropped, empty items are skipped.
    init(_ list: String) {
        urls = list.split(separator: ",").compactMap { url in
            let url = url.trimmingCharacters(in: .whitespaces)
            return url.isEmpty ? nil : url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }

    /// Whether `url` is an http(s) URL with a host.
    static func isValid(_ url: String) -> Bool {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else { return false }
        return ["http", "https"].contains(scheme) && parsed.host?.isEmpty == false
    }

    /// The URL in use.
    var current: String { urls[index.withLock { $0 }] }

    /// `url` could not be reached: the next one is used from now on (unless another failure
    /// moved on already).
    func failed(_ url: String) {
        index.withLock { index in
            if urls[index] == url { index = (index + 1) % urls.count }
        }
    }
}
