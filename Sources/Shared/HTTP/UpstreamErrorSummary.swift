import AsyncHTTPClient
import NIOCore
import NIOPosix

/// A short description of a failed upstream call for logs and metrics that never carries the
/// upstream's address (NIO's connection errors print host and port; logs must not).
public enum UpstreamErrorSummary {
    /// "connection refused", "timed out", … or the error's type name.
    public static func describe(_ error: any Error) -> String {
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
        if error is UpstreamExchange.BodyBrokeOff { return "response broke off" }
        return String(describing: type(of: error))
    }
}
