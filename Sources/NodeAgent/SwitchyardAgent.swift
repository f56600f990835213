import ArgumentParser

/// `switchyard-agent`: runs on every GPU host, serves the models this host can run.
@main
struct SwitchyardAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard-agent",
        abstract: "Serve this host's runnable models to a Switchyard router.",
        subcommands: [ServeCommand.self, DetectCommand.self, ModelsCommand.self, EngineGuardCommand.self, ProbeBackendCommand.self],
        defaultSubcommand: nil
    )
}
