import Foundation

/// Runs each vendor probe in a short-lived child process (`switchyard-agent probe-backend B`),
/// so a driver that hangs or crashes costs at most the timeout and never the agent.
///
/// The child prints one ``BackendProbe`` as JSON. Exit by signal → `crashed(signal)`; still
/// running at the deadline → SIGKILL and `timedOut`; anything unreadable → `queryFailed`.
struct IsolatedProber: Sendable {
    /// The agent's own executable.
    var executable: URL
    /// The environment the children get (library overrides and loader variables pass through).
    var environment: [String: String]

    /// Probes `backend` in a child, giving up at `deadline`.
    func probe(_ backend: Backend, deadline: ContinuousClock.Instant) async -> BackendProbe {
        let start = ContinuousClock.now
        // Swift's crash backtracer would otherwise symbolicate for seconds before the child dies.
        let child = BoundedChild(
            executable: executable,
            arguments: ["probe-backend", backend.rawValue],
            environment: environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        )
        let (exit, data) = await child.run(until: deadline)
        let elapsed = NativeProbe.milliseconds(since: start)
        switch exit {
        case .failedToStart(let reason):
            return .failed(backend, .queryFailed, message: "cannot start the probe process: \(reason)")
        case .timedOut:
            return .failed(
                backend,
                .timedOut,
                message: "the \(backend.rawValue) probe did not finish in \(elapsed) ms (a hung driver?)",
                duration: elapsed
            )
        case .signalled(let signal):
            return .failed(
                backend,
                .crashed,
                message: "the \(backend.rawValue) probe crashed with signal \(signal) inside the driver",
                signal: Int(signal),
                duration: elapsed
            )
        case .exited(let status):
            guard var probe = try? JSONDecoder().decode(BackendProbe.self, from: data) else {
                return .failed(
                    backend,
                    .queryFailed,
                    message: "the \(backend.rawValue) probe exited with status \(status) and no report",
                    duration: elapsed
                )
            }
            probe.durationMilliseconds = elapsed
            return probe
        }
    }
}
