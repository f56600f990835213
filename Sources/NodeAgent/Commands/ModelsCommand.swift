import ArgumentParser
import Foundation

/// `switchyard-agent models --models-dir DIR [--json]`: every local model with its verdict.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the local models with whether this host can serve them, and why not."
    )

    @Option(help: "The models directory.", completion: .directory)
    var modelsDir: String

    @Flag(help: "Print the JSON document served at GET /v0/models.")
    var json = false

    @OptionGroup var backendOption: BackendOption

    func run() throws {
        let models = ModelCatalogue(root: URL(fileURLWithPath: modelsDir)).scan()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ModelVerdicts(models: models)), as: UTF8.self))
            return
        }
        if models.isEmpty { print("no models in \(modelsDir)") }
        for model in models {
            let verdict = model.problem.map { "not servable: \($0)" } ?? "servable (\(model.kind.rawValue))"
            print("\(model.id)\t\(verdict)")
        }
    }
}
