import NIOCore
import NIOEmbedded
import NIOHTTP1
import Shared
import Testing

/// A request head waits for its body's flush, so both leave in one write; a head that carries
/// its end goes out at once.
@Suite struct RequestHeadCoalescerTests {
    static let head = HTTPRequestHead(
        version: .http1_1,
        method: .POST,
        uri: "/v1/chat/completions",
        headers: ["content-length": "2", "host": "agent"]
    )

    /// An HTTP/1 client pipeline with the coalescer added the way the HTTP client adds it.
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
        let installed = RequestHeadCoalescer.install(on: channel)
        channel.embeddedEventLoop.run()
        try installed.wait()
        return channel
    }

    /// Everything the channel has written to its socket so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func aHeadWaitsForItsBody() throws {
        let channel = try Self.channel()
        // As the HTTP client does it: no waiting on the head's write, which completes only when
        // the body's flush sends it.
        channel.writeAndFlush(HTTPClientRequestPart.head(Self.head), promise: nil)
        #expect(try Self.written(channel).isEmpty, "the flush after the head is held back")
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "{}"))))
        let sent = try Self.written(channel)
        #expect(sent.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\n"))
        #expect(sent.hasSuffix("\r\n\r\n{}"), "head and body leave together")
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(try Self.written(channel).isEmpty, "a sized body's end adds no bytes")
        #expect(try channel.finish().isClean)
    }

    @Test func aHeadWithItsEndGoesAtOnce() throws {
        let channel = try Self.channel()
        var get = Self.head
        get.method = .GET
        get.headers = ["host": "agent"]
        channel.write(HTTPClientRequestPart.head(get), promise: nil)
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(try Self.written(channel).hasPrefix("GET /v1/chat/completions HTTP/1.1\r\n"))
        #expect(try channel.finish().isClean)
    }
}
