import AsyncHTTPClient
import NIOCore
import NIOPosix

/// A short description of a failed outbound HTTP call (a forwarded request, a node's model
/// list, the hub), for logs, metrics and answers: it never carries the peer's address (NIO's
/// connection errors print host and port; logs and answers must not).
public enum NetworkErrorSummary {
    /// "connection refused", "timed out", … or the error's type name.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? UpstreamError {
            switch error {
            case .invalidURL: return "invalid URL"
            case .connectionClosed, .staleConnection: return "connection closed by the peer"
            case .timedOut: return "timed out"
            case .bodyBrokeOff: return "response broke off"
            case .shutDown: return "client shut down"
            }
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed: return "connection closed by the peer"
            case .cancelled: return "cancelled"
            default: return "HTTP client error"
            }
        }
        if let error = error as? IOError {
            return error.errnoCode == 111 ? "connection refused" : "I/O error \(error.errnoCode)"
        }
        if error is NIOConnectionError { return "connection refused or unreachable" }
        if case ChannelError.connectTimeout = error { return "timed out" }
        if error is ChannelError { return "connection failed" }
        if error is CancellationError { return "cancelled" }
        return String(describing: type(of: error))
    }
}
