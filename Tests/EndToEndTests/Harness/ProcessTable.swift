import Foundation

/// Reads Linux's /proc to find a process's descendants and whether they are alive.
enum ProcessTable {
    /// Every (pid, parent pid) pair now.
    static func parents() -> [Int32: Int32] {
        var result: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { continue }
            // The command name is in parentheses and may contain spaces; the fields after it are fixed.
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]), fields[0] != "Z" { result[pid] = parent }
        }
        return result
    }

    /// All living descendants of `pid`.
    static func descendants(of pid: Int32) -> Set<Int32> {
        let table = parents()
        var found: Set<Int32> = []
        var frontier: Set<Int32> = [pid]
        while !frontier.isEmpty {
            let children = Set(table.filter { frontier.contains($0.value) }.keys).subtracting(found)
            found.formUnion(children)
            frontier = children
        }
        return found
    }

    /// Which of `pids` are still alive (zombies excluded).
    static func alive(_ pids: Set<Int32>) -> Set<Int32> {
        pids.intersection(parents().keys)
    }
}
