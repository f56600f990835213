import NIOCore
import NIOPosix

/// Runs Swift concurrency's jobs on NIO's event loops, as a task executor preference.
///
/// A request then stays on its connection's loop from the socket read through the handler to
/// the upstream write. Each job runs on the loop it is enqueued from (a loop of `group`), or on
/// one of the group's loops when enqueued from elsewhere.
///
/// Jobs run as the *generic* executor's, with this one as their task executor: a nonisolated
/// async function that calls another continues in place. (NIO's own takeover of the global
/// executor runs each job as the event loop's serial executor's, so every call into
/// nonisolated async code there is an enqueue and a trip round the loop: 30 to 90 per request.)
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The executor over NIO's shared event loop group, the one Hummingbird serves on.
    public static let shared = EventLoopTaskExecutor(group: .singleton)

    private let group: MultiThreadedEventLoopGroup

    /// Creates an executor over the loops of `group`.
    public init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // `any()` is the calling thread's loop when that is one of the group's.
        group.any().execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}
