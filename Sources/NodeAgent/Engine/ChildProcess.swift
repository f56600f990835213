import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `posix_spawn` and `waitpid` for the engine guard, which needs a child it fully controls
/// (standard input from /dev/null) rather than Foundation's `Process`.
enum ChildProcess {
    /// Starts `executable` with `arguments` (argv[0] included) and returns its process ID.
    static func spawn(executable: String, arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)

        var pid: pid_t = 0
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let status = posix_spawnp(&pid, executable, &actions, nil, cArguments, environ)
        guard status == 0 else {
            throw ChildProcessError(executable: executable, reason: String(cString: strerror(status)))
        }
        return pid
    }

    /// Waits for the child to end; returns its exit code (128 + signal when it was killed).
    static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// A child process that could not be started.
struct ChildProcessError: Error, CustomStringConvertible {
    var executable: String
    var reason: String
    var description: String { "cannot start \(executable): \(reason)" }
}
