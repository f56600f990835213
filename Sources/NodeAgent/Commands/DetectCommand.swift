import ArgumentParser
import Foundation

/// `switchyard-agent detect [--json]`: runs detection once and prints the report.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect this host's GPU backend and print the report."
    )

    @Flag(help: "Print the JSON document served at GET /v0/system.")
    var json = false

    @OptionGroup var backendOption: BackendOption

    func run() throws {
        let report = backendOption.detector.detect()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("backend: \(report.backend.rawValue)\(report.forced ? " (forced)" : "")")
            print("reason:  \(report.reason)")
            for line in report.deviceSummary { print("device:  \(line)") }
        }
    }
}
