import Logging

/// Writes log lines as swift-log's `StreamLogHandler` does (same format), but renders the
/// logger's metadata only when a line is written.
///
/// `StreamLogHandler` re-renders (and sorts) all of its metadata whenever a value is set, and
/// Hummingbird sets the request ID on every request's logger, while most requests never log a
/// line.
public struct DeferredMetadataLogHandler: LogHandler {
    /// Writes the lines, given each line's metadata in full (it keeps none of its own).
    private var output: StreamLogHandler
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler that writes to `stream`.
    /// - Parameters:
    ///   - label: The logger's label, printed on every line.
    ///   - stream: Where lines go.
    ///   - metadataProvider: Metadata read when a line is written (the logging system's by default).
    public init(
        label: String,
        stream: any TextOutputStream & Sendable,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.init(output: StreamLogHandler(label: label, stream: stream, metadataProvider: nil), metadataProvider: metadataProvider)
    }

    /// A handler that writes to standard error (what both servers log through).
    public static func standardError(label: String) -> DeferredMetadataLogHandler {
        DeferredMetadataLogHandler(
            output: .standardError(label: label, metadataProvider: nil),
            metadataProvider: LoggingSystem.metadataProvider
        )
    }

    private init(output: StreamLogHandler, metadataProvider: Logger.MetadataProvider?) {
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the line with the logger's metadata, then the provider's, then the line's own
    /// (a later value wins), as `StreamLogHandler` would.
    public func log(event: LogEvent) {
        var event = event
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        event.metadata = merged
        output.log(event: event)
    }
}
