import Foundation
import NIOCore
import NIOHTTP1

/// An inference request on its way to a node: what every attempt sends, and the clock the
/// answer is measured against.
struct RoutedRequest: Sendable {
    var model: String
    /// The endpoint's path on the node (`/v1/chat/completions`).
    var path: String
    /// The body, forwarded unchanged.
    var body: ByteBuffer
    /// The client's headers less hop-by-hop ones, with the request ID.
    var headers: HTTPHeaders
    var stream: Bool
    /// The conversation's key (`X-Session-ID`, else the body's `prompt_cache_key` or `user`).
    var session: String?
    var requestID: String
    var arrived: ContinuousClock.Instant
}
