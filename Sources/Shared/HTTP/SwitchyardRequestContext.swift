import Foundation
import Hummingbird

/// The request context of both servers: Hummingbird's basics, with JSON written the way OpenAI
/// clients expect to read it (slashes in model IDs unescaped, keys in a stable order).
public struct SwitchyardRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage

    /// Creates the context for one request.
    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

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
