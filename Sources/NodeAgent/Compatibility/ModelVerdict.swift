/// A local model and whether this host serves it; when not, why, in words a person understands.
struct ModelVerdict: Sendable, Equatable {
    var model: LocalModel
    /// Why the model is not served, or nil when it is.
    var reason: String?
    /// Who serves it: the managed `llama-server`, or an engine declared with `--engine`.
    var engine: EngineKind?
    /// The backend it computes on (the CPU when the engine cannot use the host's GPU).
    var runsOn: Backend?
    /// What a served model's operator should know: it runs on the CPU of a GPU host, and why.
    var note: String?
    /// What serving it takes, in parts.
    var memory: MemoryEstimate?

    var isExecutable: Bool { reason == nil }
}
