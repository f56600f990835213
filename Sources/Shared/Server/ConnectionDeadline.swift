import Logging
import NIOCore

/// The one deadline a connection runs against at a time (its next request head, or the body
/// being read), kept by the connection's ``ClientGuard`` on its event loop. Moving the deadline
/// later does not reschedule the timer: when the timer fires early it waits again for the
/// deadline then in force, so a request on a kept-alive connection costs no timer.
final class ConnectionDeadline {
    /// When the client must have done `missed`; nil while the server is answering.
    private var current: (at: NIODeadline, missed: String)?
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Closes the connection unless the deadline moves first: `timeout` from now, the client
    /// having failed to do `missed` by then (for the log).
    func arm(_ context: ChannelHandlerContext, after timeout: TimeAmount, missed: String) {
        let at = NIODeadline.now() + timeout
        current = (at, missed)
        if let timer {
            guard at < timer.at else { return }
            timer.task.cancel()
        }
        wait(context, until: at)
    }

    /// No deadline: the server is answering.
    func disarm() {
        current = nil
    }

    /// Cancels the timer (the connection is gone).
    func cancel() {
        current = nil
        timer?.task.cancel()
        timer = nil
    }

    private func wait(_ context: ChannelHandlerContext, until instant: NIODeadline) {
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: instant) {
            self.timer = nil
            guard let current = self.current else { return }
            guard current.at <= .now() else { return self.wait(context, until: current.at) }
            self.logger.debug("connection closed: \(current.missed) in time")
            context.close(promise: nil)
        }
        timer = (task, instant)
    }
}
