import Foundation

/// The llama-server processes an agent runs, found through /proc.
enum EngineProcesses {
    /// The private port of the agent's (first) engine.
    static func port(of agent: ManagedProcess) -> Int? {
        for pid in of(agent).keys {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if let index = arguments.firstIndex(of: "--port") { return Int(arguments[index + 1]) }
        }
        return nil
    }

    /// PIDs of `llama-server` processes below `agent`, with the model each serves.
    static func of(_ agent: ManagedProcess) -> [Int32: String] {
        var engines: [Int32: String] = [:]
        for pid in ProcessTable.descendants(of: agent.pid) {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("llama-server") == true, let alias = arguments.firstIndex(of: "--alias") else { continue }
            engines[pid] = arguments[alias + 1]
        }
        return engines
    }
}
