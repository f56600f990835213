import ArgumentParser

/// `switchyard-router`: the fleet's one OpenAI-compatible endpoint.
@main
struct SwitchyardRouter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard-router",
        abstract: "Route OpenAI-compatible requests to the nodes that can run each model.",
        subcommands: [ServeCommand.self, KeysCommand.self, EndpointsCommand.self, BenchmarkSelectionCommand.self]
    )
}
