/// What makes a node an **endpoint**: an OpenAI-compatible server the operator registered
/// directly (`POST /v0/endpoints`), with no agent in front of it. The router pulls its model
/// list and polls its health itself, and presents the endpoint's own API key, never the node
/// token, when it forwards requests there.
struct EndpointSettings: Sendable, Equatable, Codable {
    /// The key to present to the server as `Authorization: Bearer`; never returned or logged.
    var apiKey: String?
    /// The models requests may be sent for, when the operator restricted them; nil: all listed.
    var allowedModels: [String]?
    /// What kind of server it is, as detected at registration.
    var serverType: ServerType

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case allowedModels = "allowed_models"
        case serverType = "server_type"
    }

    /// The server software behind an endpoint, as far as the router can tell.
    enum ServerType: String, Sendable, Codable, CaseIterable {
        /// llama.cpp's `llama-server` serving one model (`/props` answers with its slots).
        case llamaServer = "llama-server"
        /// `llama-server` in router mode (`--models-dir`): it starts one model at a time on demand.
        case llamaServerRouter = "llama-server-router"
        case vllm = "vllm"
        case ollama = "ollama"
        case lmStudio = "lm-studio"
        case sglang = "sglang"
        /// Anything else that answers OpenAI's `/v1/models`.
        case generic = "openai-compatible"
    }

    /// The models of a pulled list that requests may be sent for.
    func routable(_ listed: [String]) -> [String] {
        guard let allowedModels else { return listed }
        let allowed = Set(allowedModels)
        return listed.filter(allowed.contains)
    }
}
