import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `switchyard-agent engine-guard -- ENGINE ARGS…` (hidden): runs one engine process and makes
/// sure it never outlives the agent.
///
/// The agent starts every engine through this guard with a pipe as standard input and keeps the
/// pipe's write end. When the agent dies — even by SIGKILL — the kernel closes that end, the
/// guard reads end-of-file and stops the engine (SIGTERM, then SIGKILL after a grace period).
/// SIGTERM, SIGINT and SIGHUP sent to the guard are forwarded to the engine. The guard exits with
/// the engine's status.
struct EngineGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-guard",
        abstract: "Run an engine that stops when the agent stops (internal).",
        shouldDisplay: false
    )

    @Argument(parsing: .captureForPassthrough, help: "The engine executable and its arguments.")
    var command: [String] = []

    func run() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard let executable = argv.first else { throw ValidationError("engine-guard needs a command to run") }

        let child = try ChildProcess.spawn(executable: executable, arguments: argv)
        guardedEngine = child
        // A process-wide handler: whichever thread the kernel picks runs it, so no thread can
        // take the default action (dying and orphaning the engine).
        // (pid 0 would mean "my whole process group": never signal it.)
        signal(SIGTERM) { _ in if guardedEngine > 0 { kill(guardedEngine, SIGTERM) } }
        signal(SIGHUP) { _ in if guardedEngine > 0 { kill(guardedEngine, SIGTERM) } }
        signal(SIGINT) { _ in if guardedEngine > 0 { kill(guardedEngine, SIGINT) } }
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(STDIN_FILENO, &buffer, buffer.count) > 0 {}
            kill(child, SIGTERM)
            sleep(5)
            kill(child, SIGKILL)
        }
        throw ExitCode(ChildProcess.wait(for: child))
    }
}

/// The engine's process ID, for the signal handlers (which can capture nothing).
nonisolated(unsafe) private var guardedEngine: pid_t = 0
