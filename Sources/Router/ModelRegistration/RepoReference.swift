import Foundation
import Shared

/// What `POST /v0/models/register` names: a repository, and optionally a revision and a file,
/// given as `org/name` or as a hub URL (`https://huggingface.co/org/name`, `…/tree/REV`,
/// `…/blob/REV/FILE`, `…/resolve/REV/FILE`).
struct RepoReference: Sendable, Equatable {
    var repo: String
    var revision: String?
    var file: String?

    /// Parses `text`; an explicit `revision` or `file` wins over one found in a URL.
    /// - Throws: ``ModelRegistrationError/invalidField(message:param:)`` for anything that is not a repository reference.
    init(_ text: String, revision: String? = nil, file: String? = nil) throws(ModelRegistrationError) {
        var path = text.trimmingCharacters(in: .whitespaces)
        if path.contains("://") {
            guard let url = URLComponents(string: path), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw Self.invalid(text)
            }
            path = url.percentEncodedPath
        }
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        if parts.first == "models" { parts.removeFirst() }  // hub URLs also take /models/org/name
        var urlRevision: String?
        var urlFile: String?
        if let marker = parts.firstIndex(where: { ["tree", "blob", "resolve", "raw"].contains($0) }), marker <= 2, marker + 1 < parts.count {
            urlRevision = parts[marker + 1]
            let rest = parts[(marker + 2)...]
            if parts[marker] != "tree", !rest.isEmpty { urlFile = rest.joined(separator: "/") }
            parts = Array(parts[..<marker])
        }
        guard RegisteredModel.isValidID(parts.joined(separator: "/")) else { throw Self.invalid(text) }
        self.repo = parts.joined(separator: "/")
        self.revision = Self.nonEmpty(revision) ?? urlRevision
        self.file = Self.nonEmpty(file) ?? urlFile
        if let file = self.file, file.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            throw .invalidField(message: "'file' must be a path inside the repository.", param: "file")
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    private static func invalid(_ text: String) -> ModelRegistrationError {
        .invalidField(
            message: "'repo' must be a Hugging Face repository ID like 'org/name' or a hub URL; '\(text.prefix(200))' is neither.",
            param: "repo"
        )
    }
}
