import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process the harness started: output captured to a log file, always killed at the end.
final class ManagedProcess: @unchecked Sendable {
    let name: String
    let logURL: URL
    private let process = Process()

    /// Starts `executable` with `arguments` and extra environment variables.
    init(name: String, executable: URL, arguments: [String], environment: [String: String], logDirectory: URL) throws {
        self.name = name
        self.logURL = logDirectory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// How the process ended (valid once it is no longer running).
    var termination: (reason: Process.TerminationReason, status: Int32) {
        (process.terminationReason, process.terminationStatus)
    }

    /// Sends SIGTERM and waits up to `timeout` for the process to exit; true when it did.
    func terminate(within timeout: Duration) async -> Bool {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !process.isRunning
    }

    /// The log so far.
    var log: String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// Waits for a log line containing `marker` and returns that line.
    func waitForLogLine(containing marker: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            guard isRunning else { throw HarnessError("\(name) exited (status \(process.terminationStatus)) before logging '\(marker)'") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("\(name) did not log '\(marker)' within \(timeout)")
    }

    /// The port from Hummingbird's "listening on HOST:PORT" line.
    func listeningPort() async throws -> Int {
        let line = try await waitForLogLine(containing: "listening on")
        guard let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw HarnessError("cannot read the port of \(name) from: \(line)")
        }
        return port
    }

    /// SIGKILL, no chance to clean up (for crash tests).
    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        kill()
    }
}
