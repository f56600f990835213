import ArgumentParser
import Foundation

/// `switchyard-agent models --models-dir DIR [--json] [--backend B] [--engine FORMAT=URL]…`:
/// every local model with its verdict on this host, judged against the llama-server found.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the local models with whether this host can serve them, and why not."
    )

    @Option(help: "The models directory.", completion: .directory)
    var modelsDir: String

    @Option(name: .customLong("engine"), help: "An external engine serving a format, e.g. mlx=http://127.0.0.1:8080 (repeatable).")
    var engines: [EngineDeclaration] = []

    @Flag(help: "Print the JSON document served at GET /v0/models.")
    var json = false

    @OptionGroup var backendOption: BackendOption

    @OptionGroup var engineOption: EngineOption

    @OptionGroup var serving: ServingOptions

    func run() async throws {
        let executable = try engineOption.locate()
        let report = await EngineOption.inspect(executable, report: try backendOption.detector().detect())
        let verdicts = AgentState.judge(
            ModelCatalogue(root: URL(fileURLWithPath: modelsDir)).scan(),
            host: HostProfile(report: report, shape: serving.shape, memoryBudgetBytes: serving.memoryBudgetBytes),
            engines: EngineCatalogue(managedFormats: executable == nil ? [] : [.gguf], declarations: engines)
        )
        if json {
            print(String(decoding: try JSONEncoder.report.encode(ModelVerdicts(report: report, verdicts: verdicts)), as: UTF8.self))
            return
        }
        print("backend: \(report.backend.rawValue)\(report.forced ? " (forced)" : "")")
        if verdicts.isEmpty { print("no models in \(modelsDir)") }
        for verdict in verdicts {
            let model = verdict.model
            let memory = verdict.memory.map { " needs \(DetectionReport.gibibytes($0.totalBytes))" } ?? ""
            let state =
                verdict.reason.map { "not served: \($0)" }
                ?? "served by \(verdict.engine?.rawValue ?? "?") on \(verdict.runsOn?.displayName ?? "?")\(verdict.note.map { " (\($0))" } ?? "")"
            print("\(model.id)\t\(model.format.displayName) \(model.kind.rawValue)\(memory)\t\(state)")
        }
    }
}
