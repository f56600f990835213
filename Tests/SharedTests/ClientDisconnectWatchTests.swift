import NIOConcurrencyHelpers
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

    @Test("a client that leaves cancels the step's own task, not the caller; a step that finishes anyway returns its value")
    func leavingCancelsTheStepsTask() async throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier)
        let started = ContinuousClock.now
        await #expect(throws: CancellationError.self) {
            try await watch.cancellingOnClose {
                channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                try await Task.sleep(for: .seconds(10))
            }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(!Task.isCancelled, "the caller's task is left alone")
        #expect(watch.isClosed)
        _ = try? channel.finish()

        let notifier2 = ConnectionCloseNotifier()
        let channel2 = EmbeddedChannel(handler: notifier2)
        let watch2 = ClientDisconnectWatch(connection: notifier2)
        let value = try await watch2.cancellingOnClose { () async -> Int in
            channel2.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            return 7
        }
        #expect(value == 7)
        _ = try? channel2.finish()
    }

    @Test("a step watched on the calling task gets its close handler run once, and none after it ended")
    func closeHandlers() async throws {
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier)
        let calls = NIOLockedValueBox([String]())
        let record = { @Sendable (name: String) in { @Sendable in calls.withLockedValue { $0.append(name) } } }
        try await watch.whileWatching(onClose: record("ended")) {}
        let value = try await watch.whileWatching(onClose: record("watched")) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            #expect(!Task.isCancelled, "the calling task is not cancelled: the handler says what stops")
            return 7
        }
        #expect(value == 7, "a step that finishes even so returns its value")
        #expect(calls.withLockedValue { $0 } == ["watched"])
        await #expect(throws: CancellationError.self) {
            try await watch.whileWatching(onClose: record("late")) {
                Issue.record("a step that starts after the client left does not run")
            }
        }
        #expect(calls.withLockedValue { $0 } == ["watched"])
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
