import NIOCore
import NIOEmbedded
import NIOPosix
import Shared
import Testing

/// Tasks that prefer the executor run on its event loops, through awaits, in child tasks, and
/// in the step a disconnect watch runs for them.
@Suite struct EventLoopTaskExecutorTests {
    /// Whether the calling thread is one of `group`'s loops.
    private static func onLoop(of group: MultiThreadedEventLoopGroup) -> Bool {
        group.makeIterator().contains { $0.inEventLoop }
    }

    /// A nonisolated async function, as the servers' handlers call many of.
    private static func hop() async {
        await Task.yield()
    }

    @Test("a preferring task and its children stay on the group's loops across awaits")
    func staysOnLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executor = EventLoopTaskExecutor(group: group)
        #expect(!Self.onLoop(of: group))
        let placements = await withTaskExecutorPreference(executor) {
            var seen = [Self.onLoop(of: group)]
            await Self.hop()
            try? await Task.sleep(for: .milliseconds(5))
            seen.append(Self.onLoop(of: group))
            await withTaskGroup(of: Bool.self) { children in
                children.addTask {
                    await Self.hop()
                    return Self.onLoop(of: group)
                }
                for await child in children { seen.append(child) }
            }
            return seen
        }
        #expect(placements == [true, true, true])
        try await group.shutdownGracefully()
    }

    @Test("a disconnect watch runs its steps on the event loops it is given")
    func watchKeepsPreference() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let notifier = ConnectionCloseNotifier()
        let channel = EmbeddedChannel(handler: notifier)
        let watch = ClientDisconnectWatch(connection: notifier, executor: EventLoopTaskExecutor(group: group))
        let onLoop = try await watch.cancellingOnClose {
            await Self.hop()
            return Self.onLoop(of: group)
        }
        #expect(onLoop)
        // A watch over the shared loops runs its steps there, not on this group.
        let shared = ClientDisconnectWatch(connection: notifier)
        #expect(try await shared.cancellingOnClose { Self.onLoop(of: group) } == false)
        _ = try? channel.finish()
        try await group.shutdownGracefully()
    }
}
