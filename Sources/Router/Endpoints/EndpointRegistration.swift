import Foundation
import Shared

/// The body of `POST /v0/endpoints`: an OpenAI-compatible server to route to without an agent.
struct EndpointRegistration: Decodable, Sendable {
    /// The server's base URL (`http://host:8080`; a trailing `/v1` is accepted and dropped).
    var url: String
    /// The key to present to the server, if it wants one.
    var apiKey: String?
    var name: String?
    /// Requests it runs at once; default: its slots where it says (llama-server), else 4.
    var capacity: Int?
    /// Only these of its models are routed to it.
    var models: [String]?

    enum CodingKeys: String, CodingKey {
        case url, name, capacity, models
        case apiKey = "api_key"
    }

    /// The base URL to call, checked: http or https with a host, no query, without a trailing
    /// `/` or `/v1`.
    /// - Throws: ``OpenAIError`` (400) for anything else, or a bad capacity or model list.
    func validated() throws -> (url: String, credential: NodeCredential) {
        guard var components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.query == nil, components.user == nil
        else {
            throw OpenAIError.invalidRequest("'url' must be an http or https base URL, such as http://host:8080.", param: "url")
        }
        while components.path.hasSuffix("/") { components.path.removeLast() }
        if components.path.hasSuffix("/v1") { components.path.removeLast(3) }
        if let capacity, !(1...1024).contains(capacity) {
            throw OpenAIError.invalidRequest("'capacity' must be from 1 to 1024.", param: "capacity")
        }
        if let models, models.isEmpty || models.contains(where: { $0.isEmpty }) {
            throw OpenAIError.invalidRequest("'models' must list model IDs.", param: "models")
        }
        if let apiKey, apiKey.isEmpty || apiKey.contains(where: { $0.isNewline }) {
            throw OpenAIError.invalidRequest("'api_key' must be a non-empty single line.", param: "api_key")
        }
        return (components.string ?? url, apiKey.map(NodeCredential.apiKey) ?? .none)
    }
}
