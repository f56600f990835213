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
    /// Parallel sequences (slots) per engine; also the node's reported capacity.
    var slots: Int
    /// Context tokens per slot (capped by the model's training context).
    var contextPerSlot: Int
    /// Layers offloaded to the GPU (0 on CPU hosts).
    var gpuLayers: Int
    /// How long an engine may take to become ready.
    var startTimeout: Duration

    /// One thread per two cores: llama.cpp's spinning thread barrier collapses when a thread is
    /// descheduled, so leaving cores free for the agent and the OS is faster on small hosts.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    /// The command-line arguments that serve `model` on `port`.
    func arguments(for model: LocalModel, port: Int) -> [String] {
        let perSlot = min(contextPerSlot, model.contextLength ?? contextPerSlot)
        var arguments = [
            "--model", model.file.path,
            "--alias", model.id,
            "--host", "127.0.0.1",
            "--port", String(port),
            "--threads", String(threads),
            "--parallel", String(slots),
            "--ctx-size", String(perSlot * slots),
            "--n-gpu-layers", String(gpuLayers),
            "--metrics",
        ]
        if model.kind == .embedding {
            // Encoders see the whole input at once: one micro-batch must hold a full sequence.
            arguments += ["--embeddings", "--ubatch-size", String(perSlot), "--batch-size", String(perSlot * slots)]
        }
        return arguments + model.engineArguments
    }
}
