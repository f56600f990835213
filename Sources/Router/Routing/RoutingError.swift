/// Why the router could not hand a request to a node. The router's own vocabulary: it becomes
/// OpenAI's error envelope only at the HTTP edge (``openAIError``), so nothing inside compares
/// error codes as strings.
enum RoutingError: Error, Equatable, Sendable {
    /// No node ever advertised the model, and it is not registered.
    case modelNotFound(model: String)
    /// The model is known, but no online, non-excluded node has it now.
    case noCapableNodes(model: String)
    /// The model is registered and a node is still downloading it.
    case modelDownloading(model: String, progress: String, retryAfter: Int)
    /// The model's queue is full.
    case queueFull(model: String, retryAfter: Int)
    /// The request waited in the queue longer than allowed.
    case queueTimeout(model: String)
    /// Every attempt failed before the first response byte.
    case upstreamFailed
    /// The router itself has no file descriptor left for a connection to the node.
    case routerOverloaded

    /// Whether a registration may explain the error better (a model being downloaded).
    var mayBeDownloading: Bool {
        switch self {
        case .modelNotFound, .noCapableNodes: true
        default: false
        }
    }

    /// Whether the model is one the router knows (for metrics: unknown names share one series).
    var modelIsKnown: Bool {
        if case .modelNotFound = self { return false }
        return true
    }
}
