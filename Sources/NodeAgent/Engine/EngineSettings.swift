import Foundation

/// How the agent runs `llama-server` for its models.
struct EngineSettings: Sendable {
    /// The `llama-server` executable.
    var llamaServer: URL
    /// The executable that guards engines (this agent's own binary; see ``EngineGuardCommand``).
    var guardExecutable: URL
    /// Where each engine's output is written.
    var logDirectory: URL
    /// CPU threads per engine.
    var threads: Int
    /// Parallel slots and context per slot; the slots are also the node's reported capacity.
    var shape: ServingShape
    /// How long an engine may take to become ready.
    var startTimeout: Duration
    /// The environment engines run with (``EngineEnvironment``: the device visibility that
    /// makes the engine see the devices detection chose).
    var environment: [String: String]

    /// One thread per two cores: llama.cpp's spinning thread barrier collapses when a thread is
    /// descheduled, so leaving cores free for the agent and the OS is faster on small hosts.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    /// The command-line arguments that serve `model` on `port` on the placement's device(s).
    func arguments(for model: LocalModel, port: Int, placement: Placement) -> [String] {
        let perSlot = shape.contextPerSlot(for: model)
        var arguments =
            [
                "--model", model.file.path,
                "--alias", model.id,
                "--host", "127.0.0.1",
                "--port", String(port),
                "--threads", String(threads),
                "--parallel", String(shape.slots),
                "--ctx-size", String(perSlot * shape.slots),
                "--metrics",
                // Log level 4 puts the engine's own account of where it loaded the model (devices,
                // offloaded layers, buffer sizes) in its log.
                "--log-verbosity", "4",
            ] + placement.engineArguments
        if model.kind.isEncoder {
            // Encoders see the whole input at once: one micro-batch must hold a full sequence.
            arguments += ["--embeddings", "--ubatch-size", String(perSlot), "--batch-size", String(perSlot * shape.slots)]
        }
        if model.kind == .reranker { arguments.append("--reranking") }
        return arguments + model.engineArguments
    }
}
