import Foundation

/// Asks a `llama-server` what it can run on: `--version` and `--list-devices`, each in a child
/// process under a deadline (a GPU driver that hangs inside the engine costs the timeout, not
/// the agent), with the environment the engines will get, so the engine sees exactly the
/// devices it will use.
struct EngineProbe: Sendable {
    var executable: URL
    var environment: [String: String]
    /// Time allowed for both questions together (CUDA initialisation alone can take seconds).
    var timeout: Duration = .seconds(30)

    func run() async -> EngineCapabilities {
        let deadline = ContinuousClock.now + timeout
        let path = executable.path
        let version = await ask(["--version"], until: deadline)
        if let problem = version.problem { return .unusable(path: path, problem: problem) }
        let devices = await ask(["-lv", "4", "--list-devices"], until: deadline)
        guard let problem = devices.problem else {
            return .parse(path: path, versionOutput: version.output, devicesOutput: devices.output)
        }
        // An engine that runs but cannot list devices (older builds) is taken as CPU-only.
        var capabilities = EngineCapabilities.parse(path: path, versionOutput: version.output, devicesOutput: "")
        capabilities.warning = "\(problem); taken as CPU-only"
        return capabilities
    }

    private func ask(_ arguments: [String], until deadline: ContinuousClock.Instant) async -> (output: String, problem: String?) {
        let flag = arguments.last ?? ""
        let child = BoundedChild(executable: executable, arguments: arguments, environment: environment, collectsStandardError: true)
        let (exit, data) = await child.run(until: deadline)
        let output = String(decoding: data, as: UTF8.self)
        switch exit {
        case .exited(0): return (output, nil)
        case .exited(let status):
            let last = output.split(whereSeparator: \.isNewline).last.map { ": \($0)" } ?? ""
            return (output, "`llama-server \(flag)` exited with status \(status)\(last)")
        case .signalled(let signal): return (output, "`llama-server \(flag)` was killed by signal \(signal)")
        case .timedOut: return (output, "`llama-server \(flag)` did not answer within \(timeout)")
        case .failedToStart(let reason): return (output, "cannot run it: \(reason)")
        }
    }
}
