import Hummingbird
import HummingbirdCore

extension HTTPServerBuilder {
    /// HTTP/1.1 with a ``ConnectionCloseNotifier`` in every connection's pipeline, so handlers
    /// notice a client that leaves before its answer is complete.
    public static var switchyard: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ConnectionCloseNotifier()]))
    }
}
