import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A short-lived child process run to a deadline: the driver probes and the engine probe, where
/// a hung or crashing program must cost at most the timeout and never the agent.
///
/// Standard input is /dev/null; standard output (and, when asked, standard error) is collected
/// on a reader thread. A child still running at the deadline is killed with SIGKILL.
struct BoundedChild: Sendable {
    /// How the child ended.
    enum Exit: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case failedToStart(String)
    }

    var executable: URL
    var arguments: [String]
    var environment: [String: String]
    /// Whether standard error is collected with standard output (else discarded).
    var collectsStandardError = false

    /// Runs the child until it exits or `deadline` passes; returns how it ended and what it printed.
    func run(until deadline: ContinuousClock.Instant) async -> (exit: Exit, output: Data) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = collectsStandardError ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let collected = CollectedOutput()
        do {
            try process.run()
        } catch {
            return (.failedToStart("\(error)"), Data())
        }
        let reader = output.fileHandleForReading
        Thread.detachNewThread { collected.finish(with: reader.readDataToEndOfFile()) }

        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let grace = ContinuousClock.now + .seconds(2)
            while process.isRunning && ContinuousClock.now < grace { try? await Task.sleep(for: .milliseconds(5)) }
            return (.timedOut, Data())
        }
        let data = await collected.value() ?? Data()
        if process.terminationReason == .uncaughtSignal { return (.signalled(process.terminationStatus), data) }
        return (.exited(process.terminationStatus), data)
    }
}

/// The child's output, handed from the reader thread to the async side.
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
