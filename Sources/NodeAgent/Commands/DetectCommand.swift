import ArgumentParser
import Foundation

/// `switchyard-agent detect [--json]`: runs detection once and prints the report.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect this host's GPU backend and print the report."
    )

    @Flag(help: "Print the JSON document served at GET /v0/system.")
    var json = false

    @OptionGroup var backendOption: BackendOption

    @OptionGroup var engineOption: EngineOption

    func run() async throws {
        let executable = try engineOption.locate()
        let report = await EngineOption.inspect(executable, report: try backendOption.detector().detect())
        if json {
            print(String(decoding: try JSONEncoder.report.encode(report), as: UTF8.self))
            return
        }
        print("backend: \(report.backend.rawValue)\(report.forced ? " (forced)" : "")")
        print("reason:  \(report.reason)")
        print("\nprobes:")
        for probe in report.probes {
            let detail = [probe.code.map { "code \($0)" }, probe.signal.map { "signal \($0)" }].compactMap { $0 }.joined(separator: ", ")
            print(
                "  \(probe.backend.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(probe.status.rawValue)\(detail.isEmpty ? "" : " (\(detail))") — \(probe.message) [\(probe.durationMilliseconds) ms]"
            )
        }
        print("\ndevices:")
        if report.physicalDevices.isEmpty { print("  none") }
        for physical in report.physicalDevices {
            let device = physical.device
            let flags = [device.isSoftware ? "software" : nil, device.kind.rawValue].compactMap { $0 }.joined(separator: ", ")
            let apis = physical.seenBy.map(\.rawValue).joined(separator: "+")
            print(
                "  \(device.name) — \(DetectionReport.gibibytes(device.memoryTotalBytes)), \(flags), via \(apis)\(device.pciBusID.map { ", PCI \($0)" } ?? "")"
            )
        }
        print("\nmemory:  \(DetectionReport.gibibytes(report.memory.totalBytes)) RAM, \(report.cpuCores) CPU cores")
        printEngine(report)
    }

    /// The engine section: what the llama-server has, and where GGUF models will run.
    private func printEngine(_ report: DetectionReport) {
        print("\nengine:")
        guard let engine = report.engine else {
            print("  no llama-server found on PATH (pass --llama-server PATH): GGUF models cannot be served")
            return
        }
        print("  llama-server \(engine.path)")
        if let problem = engine.problem {
            print("  does not run: \(problem)")
        } else {
            print("  version:  \(engine.version ?? "unknown")")
            print("  backends: \(engine.backends.joined(separator: ", "))")
            for device in engine.devices {
                print(
                    "  device:   \(device.name): \(device.description) — \(DetectionReport.gibibytes(device.memoryTotalBytes)), \(DetectionReport.gibibytes(device.memoryFreeBytes)) free"
                )
            }
            if engine.devices.isEmpty { print("  devices:  none besides the CPU") }
            if let warning = engine.warning { print("  warning:  \(warning)") }
        }
        if let target = report.engineTarget { print("  \(target.summary)") }
    }
}

extension JSONEncoder {
    /// Pretty, sorted, slashes unescaped: for documents printed for people and scripts.
    static var report: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
