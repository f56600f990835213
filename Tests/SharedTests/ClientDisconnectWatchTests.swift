import NIOCore
import NIOEmbedded
import Shared
import Testing

/// A watched step is cancelled when its client's connection ends, and left alone otherwise.
@Suite struct ClientDisconnectWatchTests {
    @Test("a client that leaves cancels the step under way")
    func leavingCancels() async throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier)
        let started = ContinuousClock.now
        let step = Task { try await watch.cancellingOnClose { try await Task.sleep(for: .seconds(10)) } }
        try await Task.sleep(for: .milliseconds(50))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        await #expect(throws: CancellationError.self) { try await step.value }
        #expect(ContinuousClock.now - started < .seconds(5))
        // A step that starts after the client left is cancelled at once.
        await #expect(throws: CancellationError.self) {
            try await watch.cancellingOnClose { try await Task.sleep(for: .seconds(10)) }
        }
        _ = try? channel.finish()
    }

    @Test("a client that leaves cancels the calling task; a step that finishes anyway returns its value")
    func leavingCancelsTheCaller() async throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier)
        let value = try await watch.cancellingOnClose { () async -> Int in
            #expect(!Task.isCancelled)
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(Task.isCancelled, "no task of its own: the step's task is the caller's")
            return 7
        }
        #expect(value == 7)
        #expect(watch.isClosed)
        _ = try? channel.finish()
    }

    @Test("a client that stays gets the step's value, and its errors as they are")
    func stayingPassesThrough() async throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier)
        #expect(try await watch.cancellingOnClose { 42 } == 42)
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await watch.cancellingOnClose { throw Failed() } }
        _ = try? channel.finish()
    }
}
