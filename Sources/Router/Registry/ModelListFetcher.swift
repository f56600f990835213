import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Shared

/// Pulls a node's `GET /v1/models` (the router never takes a node's word for its models).
struct ModelListFetcher: Sendable {
    let agents: AgentClient
    let timeout: TimeAmount

    /// The model IDs the node lists: entries without a usable `id` skipped, duplicates collapsed,
    /// order kept.
    /// - Throws: ``NodeRegistrationError/modelListUnavailable(reason:)`` when the list cannot be
    ///   fetched or read.
    func fetch(from nodeURL: String, credential: NodeCredential = .nodeToken, logger: Logger) async throws(NodeRegistrationError) -> [String] {
        let body: ByteBuffer
        do {
            body = try await agents.get(nodeURL + "/v1/models", credential: credential, timeout: timeout, logger: logger)
        } catch {
            let reason = (error as? AgentClient.UnexpectedStatus)?.description ?? NetworkErrorSummary.describe(error)
            logger.warning("cannot pull node models", metadata: ["reason": "\(reason)"])
            throw .modelListUnavailable(reason: "the node's /v1/models could not be fetched (\(reason))")
        }
        guard let document = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let entries = document["data"] as? [Any]
        else {
            throw .modelListUnavailable(reason: "the node's /v1/models is not an OpenAI model list")
        }
        var seen = Set<String>()
        return entries.compactMap { entry in
            guard let id = (entry as? [String: Any])?["id"] as? String,
                !id.trimmingCharacters(in: .whitespaces).isEmpty, seen.insert(id).inserted
            else { return nil }
            return id
        }
    }
}
