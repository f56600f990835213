import Logging
import NIOConcurrencyHelpers
import Shared
import Testing

/// The log handler both servers use: StreamLogHandler's lines, with metadata rendered late.
@Suite struct DeferredMetadataLogHandlerTests {
    /// Collects what is written.
    private struct Lines: TextOutputStream, Sendable {
        let written = NIOLockedValueBox<[String]>([])
        mutating func write(_ string: String) { written.withLockedValue { $0.append(string) } }
    }

    @Test("a line carries the logger's, the provider's and its own metadata, sorted, later ones winning")
    func mergesMetadata() throws {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["request.id": "r-1", "shared": "provider"] }
        var logger = Logger(label: "test") { DeferredMetadataLogHandler(label: $0, stream: lines, metadataProvider: provider) }
        logger[metadataKey: "hb.request.id"] = "abc"
        logger[metadataKey: "shared"] = "logger"
        logger.info("hello", metadata: ["node.id": "n-1"])
        logger.debug("below the level")
        logger.warning("again", metadata: ["shared": "line"])
        let written = lines.written.withLockedValue { $0 }
        try #require(written.count == 2)
        #expect(written[0].hasSuffix(" info test: hb.request.id=abc node.id=n-1 request.id=r-1 shared=provider [SharedTests] hello\n"))
        #expect(written[1].contains("shared=line"))
        #expect(logger[metadataKey: "hb.request.id"] == "abc")
    }
}
