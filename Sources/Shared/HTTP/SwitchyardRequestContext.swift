import Foundation
import Hummingbird
import NIOCore

/// The request context of both servers: Hummingbird's basics, with JSON written the way OpenAI
/// clients expect to read it (slashes in model IDs unescaped, keys in a stable order).
public struct SwitchyardRequestContext: ConnectionAwareRequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel

    /// Creates the context for one request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    public func connectionCloseNotifier() -> ConnectionCloseNotifier? {
        ConnectionCloseNotifier.notifier(of: channel)
    }

    public var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// The encoder for response bodies.
    public var responseEncoder: JSONEncoder { JSONEncoder.switchyard }
}

extension JSONEncoder {
    /// Sorted keys, unescaped slashes.
    public static var switchyard: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A request context that can tell when the request's client leaves.
public protocol ConnectionAwareRequestContext: RequestContext {
    /// The connection's ``ConnectionCloseNotifier``, when the server installed one.
    func connectionCloseNotifier() -> ConnectionCloseNotifier?
    /// The client's IP address, when known (the proxy's, behind one).
    var remoteAddress: String? { get }
}
