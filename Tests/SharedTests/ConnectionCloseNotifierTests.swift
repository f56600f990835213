import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Shared
import Testing

/// The notifier tells every registered request once when the client's side of the connection
/// ends, and forgets requests that stopped listening.
@Suite struct ConnectionCloseNotifierTests {
    @Test("the end of the client's input and a closed connection both count as leaving")
    func noticesTheClientLeaving() throws {
        let ways: [(EmbeddedChannel) -> Void] = [
            { $0.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) },
            { _ = try? $0.finish() },
        ]
        for leave in ways {
            let notifier = ConnectionCloseNotifier()
            let channel = EmbeddedChannel(handler: notifier)
            let calls = NIOLockedValueBox(0)
            _ = notifier.observe { calls.withLockedValue { $0 += 1 } }
            #expect(!notifier.isClosed)
            leave(channel)
            #expect(notifier.isClosed)
            #expect(calls.withLockedValue { $0 } == 1)
            _ = try? channel.finish()
            #expect(calls.withLockedValue { $0 } == 1, "each observer is told once")
        }
    }

    @Test("an observer that stopped is not called; one that comes late is called at once")
    func observersComeAndGo() throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let calls = NIOLockedValueBox<[String]>([])
        let gone = notifier.observe { calls.withLockedValue { $0.append("gone") } }
        _ = notifier.observe { calls.withLockedValue { $0.append("kept") } }
        notifier.stopObserving(gone)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(calls.withLockedValue { $0 } == ["kept"])
        _ = notifier.observe { calls.withLockedValue { $0.append("late") } }
        #expect(calls.withLockedValue { $0 } == ["kept", "late"])
    }

    @Test("a connection's notifier is found from its channel until the channel closes")
    func foundFromItsChannel() throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let other = EmbeddedChannel()
        #expect(ConnectionCloseNotifier.notifier(of: channel) === notifier)
        #expect(ConnectionCloseNotifier.notifier(of: other) == nil)
        _ = try channel.finish()
        #expect(ConnectionCloseNotifier.notifier(of: channel) == nil, "no entry outlives its channel")
        _ = try other.finish()
    }

    @Test("other events pass through untouched")
    func passesEventsOn() throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        #expect(!notifier.isClosed)
    }
}
