import Foundation
import NIOCore
import NIOPosix
import Shared

/// What one attempt at a node came to: DESIGN.md §3's failure taxonomy as one enum, decided by
/// the `classify` functions and acted on by ``RequestAttempt``.
///
/// | outcome | excludes (node, model) | tries another node |
/// |---|---|---|
/// | `answered` (2xx, 4xx: the client's fault, or 501: what the request asks is not done there) | no | no |
/// | `busy` (429, 503) | no | yes |
/// | `failed` (any other 5xx) | yes | yes |
/// | `unreachable` (connection failure, timeout before the first byte, malformed answer) | yes | yes |
/// | `brokeOff` (the node dropped a stream it had begun) | yes | no: the client has the error event |
/// | `nodeLost` (declared offline while the answer was awaited: it froze) | no: liveness covers it | yes |
/// | `outOfDescriptors` (this process hit its open-file limit: not the node's doing) | no | no: 503 `router_overloaded` |
/// | `clientLeft` | no | no |
enum AttemptOutcome: Equatable, Sendable {
    case answered
    case busy(status: UInt)
    case failed(status: UInt)
    case unreachable(reason: String)
    case brokeOff
    case nodeLost
    case outOfDescriptors
    case clientLeft

    /// The outcome of an answer whose head arrived with `status`, before any of it reached
    /// the client.
    static func classify(status: UInt) -> AttemptOutcome {
        switch status {
        case 429, 503: .busy(status: status)
        case 501: .answered  // the server does not do this (rerank without --reranking, audio for a text model)
        case 500...: .failed(status: status)
        default: .answered
        }
    }

    /// The outcome of an attempt that failed before the answer's head arrived.
    static func classify(error: any Error, clientLeft: Bool) -> AttemptOutcome {
        if clientLeft { return .clientLeft }
        if isOutOfDescriptors(error) { return .outOfDescriptors }
        return .unreachable(reason: NetworkErrorSummary.describe(error))
    }

    /// The outcome of an answer relayed to the client.
    static func classify(relay: RelayOutcome) -> AttemptOutcome {
        switch relay {
        case .completed: .answered
        case .clientDisconnected: .clientLeft
        case .upstreamFailed: .brokeOff
        }
    }

    /// Why the model is excluded on the node, or nil when it is not.
    var exclusionReason: String? {
        switch self {
        case .failed(let status): "the node answered \(status)"
        case .unreachable(let reason): "failed before its answer reached the client: \(reason)"
        case .brokeOff: "the node broke off its response"
        case .answered, .busy, .nodeLost, .outOfDescriptors, .clientLeft: nil
        }
    }

    /// Whether the request moves on to another node.
    var triesAnotherNode: Bool {
        switch self {
        case .busy, .failed, .unreachable, .nodeLost: true
        case .answered, .brokeOff, .outOfDescriptors, .clientLeft: false
        }
    }

    /// EMFILE or ENFILE: the limit is the router's own, and another node would fail the same
    /// way. NIO's connector reports a failed `socket()` inside a `NIOConnectionError`.
    static func isOutOfDescriptors(_ error: any Error) -> Bool {
        if let error = error as? IOError { return [EMFILE, ENFILE].contains(error.errnoCode) }
        if let error = error as? NIOConnectionError { return error.connectionErrors.contains { isOutOfDescriptors($0.error) } }
        return false
    }
}
