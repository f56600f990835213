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
    /// - Throws: ``ModelRegistrationError``: an unknown repository or revision, a gated one, or a
    ///   hub that does not answer.
    func modelInfo(repo: String, revision: String?, logger: Logger) async throws(ModelRegistrationError) -> HubModelInfo {
        var path = "/api/models/\(repo)"
        if let revision { path += "/revision/\(Self.encode(revision, slashes: true))" }
        let (status, headers, body) = try await get(settings.endpoint + path + "?blobs=true", logger: logger)
        switch status.code {
        case 200:
            do {
                return try JSONDecoder().decode(HubModelInfo.self, from: body)
            } catch {
                throw .hubUnavailable(detail: "its model info for '\(repo)' could not be read")
            }
        case 401, 404:
            if headers.first(name: "x-error-code") == "RevisionNotFound", let revision {
                throw .revisionNotFound(revision: revision, repo: repo)
            }
            throw .repositoryNotFound(repo: repo)
        case 403:
            throw .gatedRepository(repo: repo, hasToken: settings.token != nil)
        default:
            throw .hubUnavailable(detail: "it answered \(status.code)")
        }
    }

    /// Whether the router's token may download `file` (for gated repositories): a HEAD on its URL.
    func mayDownload(_ url: String, logger: Logger) async throws(ModelRegistrationError) -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: settings.timeout, logger: logger)
            return !(response.status == .unauthorized || response.status == .forbidden)
        } catch {
            throw .hubUnavailable(detail: NetworkErrorSummary.describe(error))
        }
    }

    /// The download URL of a file at a commit.
    func resolveURL(repo: String, commit: String, path: String) -> String {
        "\(settings.endpoint)/\(repo)/resolve/\(commit)/\(Self.encode(path, slashes: false))"
    }

    private func get(_ url: String, logger: Logger) async throws(ModelRegistrationError) -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        authorize(&request)
        do {
            let response = try await client.execute(request, timeout: settings.timeout, logger: logger)
            return (response.status, response.headers, try await response.body.collect(upTo: 32 << 20))
        } catch {
            logger.warning("hub request failed", metadata: ["reason": "\(NetworkErrorSummary.describe(error))"])
            throw .hubUnavailable(detail: NetworkErrorSummary.describe(error))
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
