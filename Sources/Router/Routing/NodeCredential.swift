/// What the router presents to a node when it forwards a request or pulls its model list: an
/// agent gets the node token; an endpoint its own API key, or nothing (the node token, a
/// fleet secret, never leaves for a server the fleet does not run).
enum NodeCredential: Sendable, Equatable {
    case nodeToken
    case apiKey(String)
    case none

    /// The credential for `node`.
    init(for node: Node) {
        guard let endpoint = node.endpoint else {
            self = .nodeToken
            return
        }
        self = endpoint.apiKey.map(NodeCredential.apiKey) ?? .none
    }

    /// The bearer token to send, given the fleet's node token.
    func bearer(nodeToken: String) -> String? {
        switch self {
        case .nodeToken: nodeToken
        case .apiKey(let key): key
        case .none: nil
        }
    }
}
