import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        let process = Process()
        process.executableURL = executable
        process.arguments = ["probe-backend", backend.rawValue]
        // Swift's crash backtracer would otherwise symbolicate for seconds before the child dies.
        process.environment = environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let collected = CollectedOutput()
        do {
            try process.run()
        } catch {
            return .failed(backend, .queryFailed, message: "cannot start the probe process: \(error)")
        }
        let reader = output.fileHandleForReading
        Thread.detachNewThread { collected.finish(with: reader.readDataToEndOfFile()) }

        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = NativeProbe.milliseconds(since: start)
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let grace = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < grace { try? await Task.sleep(for: .milliseconds(5)) }
            return .failed(
                backend,
                .timedOut,
                message: "the \(backend.rawValue) probe did not finish in \(elapsed) ms (a hung driver?)",
                duration: elapsed
            )
        }
        if process.terminationReason == .uncaughtSignal {
            let signal = Int(process.terminationStatus)
            return .failed(
                backend,
                .crashed,
                message: "the \(backend.rawValue) probe crashed with signal \(signal) inside the driver",
                signal: signal,
                duration: elapsed
            )
        }
        guard let data = await collected.value(), var probe = try? JSONDecoder().decode(BackendProbe.self, from: data) else {
            return .failed(
                backend,
                .queryFailed,
                message: "the \(backend.rawValue) probe exited with status \(process.terminationStatus) and no report",
                duration: elapsed
            )
        }
        probe.durationMilliseconds = elapsed
        return probe
    }
}

/// The probe child's standard output, handed from the reader thread to the async side.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func finish(with data: Data) {
        lock.withLock { self.data = data }
    }

    /// The output once the reader saw end-of-file (the child has exited by then).
    func value() async -> Data? {
        for _ in 0..<400 {
            if let data = lock.withLock({ data }) { return data }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}
