/// Why the router refused a node's registration (DESIGN.md §2): the registry's own vocabulary,
/// rendered as OpenAI's envelope at the HTTP edge (``openAIError``).
enum NodeRegistrationError: Error, Equatable, Sendable {
    /// The node's `/v1/models` could not be fetched or is not an OpenAI model list.
    case modelListUnavailable(reason: String)
    /// The node lists no model.
    case noExecutableModels
}
