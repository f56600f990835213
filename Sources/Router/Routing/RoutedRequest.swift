import Foundation
import NIOCore
import NIOHTTP1
import Shared

/// An inference request on its way to a node: what every attempt sends, and the clock the
/// answer is measured against.
struct RoutedRequest: Sendable {
    var model: String
    /// The endpoint: its path on the node, and the API whose conventions it follows.
    var route: InferenceRoute
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
