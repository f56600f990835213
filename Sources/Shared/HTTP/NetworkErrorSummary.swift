import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

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
        if let tls = tlsProblem(error) { return tls }
        if error is NIOConnectionError { return "connection refused or unreachable" }
        if case ChannelError.connectTimeout = error { return "timed out" }
        if error is ChannelError { return "connection failed" }
        if error is CancellationError { return "cancelled" }
        return String(describing: type(of: error))
    }

    /// What went wrong in a TLS handshake, in the operator's terms (which option to check).
    private static func tlsProblem(_ error: any Error) -> String? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "TLS certificate does not name the host it was reached at"
        }
        guard let error = error as? NIOSSLError else { return nil }
        if case .handshakeFailed(let reason) = error, String(describing: reason).contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS certificate not trusted (is its CA in --ca-file?)"
        }
        if case .uncleanShutdown = error { return "connection closed by the peer during TLS" }
        return "TLS handshake failed"
    }
}
