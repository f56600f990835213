import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Shared

/// Asks a Hugging Face compatible hub (huggingface.co, or the endpoint in `HF_ENDPOINT`) about
/// repositories. The token, when set, is sent to the hub only and never appears in answers or logs.
struct HubClient: Sendable {
    let client: HTTPClient
    let settings: HubSettings

    /// The repository's model info at `revision` (default branch when nil), with file sizes and hashes.
    /// - Throws: ``OpenAIError``: 404 `repository_not_found` / `revision_not_found`, 502 `hub_unavailable`.
    func modelInfo(repo: String, revision: String?, logger: Logger) async throws(OpenAIError) -> HubModelInfo {
        var path = "/api/models/\(repo)"
        if let revision { path += "/revision/\(Self.encode(revision, slashes: true))" }
        let (status, headers, body) = try await get(settings.endpoint + path + "?blobs=true", logger: logger)
        switch status.code {
        case 200:
            do {
                return try JSONDecoder().decode(HubModelInfo.self, from: body)
            } catch {
                throw OpenAIError.hubUnavailable("its model info for '\(repo)' could not be read")
            }
        case 401, 404:
            if headers.first(name: "x-error-code") == "RevisionNotFound", let revision {
                throw OpenAIError.revisionNotFound(revision, repo: repo)
            }
            throw OpenAIError.repositoryNotFound(repo)
        case 403:
            throw OpenAIError.gatedRepository(repo, hasToken: settings.token != nil)
        default:
            throw OpenAIError.hubUnavailable("it answered \(status.code)")
        }
    }

    /// Whether the router's token may download `file` (for gated repositories): a HEAD on its URL.
    func mayDownload(_ url: String, logger: Logger) async throws(OpenAIError) -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: settings.timeout, logger: logger)
            return !(response.status == .unauthorized || response.status == .forbidden)
        } catch {
            throw OpenAIError.hubUnavailable(UpstreamErrorSummary.describe(error))
        }
    }

    /// The download URL of a file at a commit.
    func resolveURL(repo: String, commit: String, path: String) -> String {
        "\(settings.endpoint)/\(repo)/resolve/\(commit)/\(Self.encode(path, slashes: false))"
    }

    private func get(_ url: String, logger: Logger) async throws(OpenAIError) -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: settings.timeout, logger: logger)
            return (response.status, response.headers, try await response.body.collect(upTo: 32 << 20))
        } catch {
            logger.warning("hub request failed", metadata: ["reason": "\(UpstreamErrorSummary.describe(error))"])
            throw OpenAIError.hubUnavailable(UpstreamErrorSummary.describe(error))
        }
    }

    private func authorize(_ request: inout HTTPClientRequest) {
        if let token = settings.token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
    }

    /// Percent-encodes a path or revision; `slashes` also encodes `/` (a branch like `refs/pr/1`).
    static func encode(_ text: String, slashes: Bool) -> String {
        var allowed = CharacterSet.urlPathAllowed
        if slashes { allowed.remove("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
