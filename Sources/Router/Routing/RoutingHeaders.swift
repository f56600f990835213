import HTTPTypes
import Shared

extension HTTPField.Name {
    /// `X-Request-ID`.
    static let requestID = HTTPField.Name("X-Request-ID")!
    /// `X-Session-ID`: keeps a conversation's requests on one node (before the body's
    /// `prompt_cache_key` or `user`).
    static let sessionID = HTTPField.Name("X-Session-ID")!
    /// Milliseconds the router itself spent on the request (queueing and node time excluded).
    static let routerTime = HTTPField.Name("X-Switchyard-Router-Time-Ms")!
}

extension Duration {
    /// In milliseconds with three decimals, such as `0.042` (never negative): the value of
    /// ``HTTPField/Name/routerTime``.
    var millisecondsText: String {
        let microseconds = max(0, Int((milliseconds * 1000).rounded()))
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
