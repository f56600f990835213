import NIOCore

/// Where the router finds the model hub, and how it talks to it.
struct HubSettings: Sendable {
    /// The hub's base URL without a trailing slash (`HF_ENDPOINT`, default https://huggingface.co).
    var endpoint = "https://huggingface.co"
    /// An access token for gated and private repositories (`HF_TOKEN`).
    var token: String?
    /// Time allowed for one hub request.
    var timeout = TimeAmount.seconds(15)

    /// Settings from `HF_ENDPOINT` and `HF_TOKEN` (also `HUGGING_FACE_HUB_TOKEN`).
    static func fromEnvironment(_ environment: [String: String]) -> HubSettings {
        var settings = HubSettings()
        if let endpoint = environment["HF_ENDPOINT"], !endpoint.isEmpty {
            settings.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        }
        settings.token = [environment["HF_TOKEN"], environment["HUGGING_FACE_HUB_TOKEN"]].compactMap { $0 }.first { !$0.isEmpty }
        return settings
    }
}
