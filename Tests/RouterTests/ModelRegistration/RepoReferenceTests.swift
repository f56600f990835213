import Shared
import Testing

@testable import SwitchyardRouter

@Suite struct RepoReferenceTests {
    @Test(
        "repository IDs and hub URLs reduce to repo, revision and file",
        arguments: [
            ("org/name", "org/name", nil, nil),
            ("gpt2", "gpt2", nil, nil),
            ("https://huggingface.co/org/name", "org/name", nil, nil),
            ("https://huggingface.co/org/name/tree/v1.0", "org/name", "v1.0", nil),
            ("https://hf.co/org/name/blob/main/sub/model-Q4_K_M.gguf", "org/name", "main", "sub/model-Q4_K_M.gguf"),
            ("https://huggingface.co/org/name/resolve/abc123/model.gguf?download=true", "org/name", "abc123", "model.gguf"),
            ("http://127.0.0.1:9000/models/org/name", "org/name", nil, nil),
        ] as [(String, String, String?, String?)]
    )
    func parses(text: String, repo: String, revision: String?, file: String?) throws {
        let reference = try RepoReference(text)
        #expect(reference.repo == repo)
        #expect(reference.revision == revision)
        #expect(reference.file == file)
    }

    @Test("explicit revision and file win over the URL's")
    func explicitValuesWin() throws {
        let reference = try RepoReference("https://huggingface.co/org/name/blob/main/a.gguf", revision: "v2", file: "b.gguf")
        #expect(reference == (try RepoReference(repo: "org/name", revision: "v2", file: "b.gguf")))
    }

    @Test(
        "anything else is refused, naming 'repo'",
        arguments: ["", "a/b/c", "org/../etc", "org/na me", "-org/name", "ftp://host/org/name", "org/.hidden"]
    )
    func rejects(text: String) {
        #expect(Self.refusedField(text) == "repo")
    }

    @Test("a file path may not leave the repository")
    func rejectsEscapingFile() {
        #expect(Self.refusedField("org/name", file: "../secrets.gguf") == "file")
    }

    /// The field a refused reference names (nil when it was accepted).
    static func refusedField(_ text: String, file: String? = nil) -> String? {
        do {
            _ = try RepoReference(text, file: file)
            return nil
        } catch {
            guard case .invalidField(_, let param) = error else { return "not an invalid field: \(error)" }
            return param
        }
    }
}

extension RepoReference {
    init(repo: String, revision: String?, file: String?) throws {
        self = try RepoReference(repo)
        self.revision = revision
        self.file = file
    }
}
