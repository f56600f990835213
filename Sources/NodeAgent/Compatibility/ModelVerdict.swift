/// A local model and whether this host serves it; when not, why, in words a person understands.
struct ModelVerdict: Sendable, Equatable {
    var model: LocalModel
    /// Why the model is not served, or nil when it is.
    var reason: String?
    /// Who serves it: `llama-server`, or `external` for an engine declared with `--engine`.
    var engine: String?

    var isExecutable: Bool { reason == nil }
}
