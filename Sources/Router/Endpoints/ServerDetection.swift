import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// Tells what software an endpoint runs, by the calls only that software answers, tried in
/// turn (2 s each): `llama-server`'s `/props` (with its slots; in router mode it reports
/// `role: router`), Ollama's `/api/version`, LM Studio's `/api/v0/models`, SGLang's
/// `/get_server_info`, vLLM's `/version`. Anything else that lists models is a generic
/// OpenAI-compatible server: detection only names the server and, for `llama-server`, its
/// parallel slots.
struct ServerDetection: Sendable {
    let client: AgentClient

    /// What was found.
    struct Finding: Sendable, Equatable {
        var type: EndpointSettings.ServerType
        /// Requests the server runs at once, when it says (`llama-server`'s slots).
        var slots: Int?
    }

    func detect(_ url: String, credential: NodeCredential, logger: Logger) async -> Finding {
        if let props = await document(url + "/props", credential, logger) {
            if props["role"] as? String == "router" { return Finding(type: .llamaServerRouter) }
            if let slots = props["total_slots"] as? Int { return Finding(type: .llamaServer, slots: slots) }
        }
        if await document(url + "/api/version", credential, logger)?["version"] != nil { return Finding(type: .ollama) }
        if await document(url + "/api/v0/models", credential, logger)?["data"] != nil { return Finding(type: .lmStudio) }
        if await document(url + "/get_server_info", credential, logger) != nil { return Finding(type: .sglang) }
        if await document(url + "/version", credential, logger)?["version"] != nil { return Finding(type: .vllm) }
        return Finding(type: .generic)
    }

    /// The JSON object at `url`, or nil when it does not answer one with 200.
    private func document(_ url: String, _ credential: NodeCredential, _ logger: Logger) async -> [String: Any]? {
        guard let body = try? await client.get(url, credential: credential, timeout: .seconds(2), logger: logger) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
    }
}
