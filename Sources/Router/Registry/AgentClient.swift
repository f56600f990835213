import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// Authenticated GETs from the router to nodes: the router presents the node token to agents
/// and an endpoint's own key (or nothing) to endpoints, and only a `200` answer counts.
struct AgentClient: Sendable {
    let client: HTTPClient
    let nodeToken: String

    /// The agent answered with another status than `200`.
    struct UnexpectedStatus: Error, CustomStringConvertible {
        var code: UInt
        var description: String { "the node answered \(code)" }
    }

    /// The body of `url` (at most 8 MiB).
    /// - Throws: ``UnexpectedStatus``, or the HTTP client's error (`deadlineExceeded` after `timeout`).
    func get(_ url: String, credential: NodeCredential = .nodeToken, timeout: TimeAmount, logger: Logger) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        if let bearer = credential.bearer(nodeToken: nodeToken) { request.headers.add(name: "authorization", value: "Bearer \(bearer)") }
        let response = try await client.execute(request, timeout: timeout, logger: logger)
        let body = try await response.body.collect(upTo: 8 << 20)
        guard response.status == .ok else { throw UnexpectedStatus(code: response.status.code) }
        return body
    }
}
