import Foundation
import Shared
import Testing

@testable import SwitchyardAgent

@Suite struct DownloadVerificationTests {
    func file(_ content: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-digest-\(UUID().uuidString)")
        try Data(content.utf8).write(to: url)
        return url
    }

    static func artifact(size: Int64, sha256: String? = nil, blob: String? = nil) -> ArtifactFile {
        ArtifactFile(path: "f", url: "https://huggingface.co/f", sizeBytes: size, sha256: sha256, gitBlobID: blob)
    }

    @Test("git blob IDs and SHA-256 are checked like the hub computes them")
    func digests() throws {
        let url = try file("hello\n")
        defer { try? FileManager.default.removeItem(at: url) }
        // `git hash-object` and `sha256sum` of "hello\n".
        #expect(try FileDigest.mismatch(of: url, against: Self.artifact(size: 6, blob: "ce013625030ba8dba906f756967f9e9ca394464a")) == nil)
        let sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        #expect(try FileDigest.mismatch(of: url, against: Self.artifact(size: 6, sha256: sha)) == nil)
        #expect(
            try FileDigest.mismatch(of: url, against: Self.artifact(size: 6, sha256: String(repeating: "0", count: 64)))?.contains(
                "checksum mismatch"
            ) == true
        )
        #expect(try FileDigest.mismatch(of: url, against: Self.artifact(size: 7, sha256: sha))?.contains("size mismatch") == true)
    }

    @Test("downloads are allowed from the hub, HF_ENDPOINT and named origins only")
    func origins() {
        let settings = DownloadSettings.fromEnvironment(["HF_ENDPOINT": "http://mirror.local:8080/"], extraOrigins: ["https://cdn.example"])
        #expect(settings.allows("https://huggingface.co/org/name/resolve/main/x.gguf"))
        #expect(settings.allows("https://HF.co:443/x"))
        #expect(settings.allows("http://mirror.local:8080/org/name/resolve/main/x.gguf"))
        #expect(settings.allows("https://cdn.example/x"))
        #expect(!settings.allows("http://mirror.local/x"), "another port is another origin")
        #expect(!settings.allows("https://evil.example/x"))
        #expect(!settings.allows("file:///etc/passwd"))
    }

    @Test("Content-Range starts are read")
    func contentRange() {
        #expect(FileFetcher.rangeStart("bytes 1000-1999/2000") == 1000)
        #expect(FileFetcher.rangeStart("bytes */2000") == nil)
    }
}

@Suite struct ManifestPathSafetyTests {
    @Test(
        "IDs and file names that could leave the models directory are refused",
        arguments: [
            ("org/name", "model.gguf", true), ("gpt2", "model-Q4_K_M.gguf", true), ("../etc", "model.gguf", false),
            ("org/../../x", "model.gguf", false), ("org/name/extra", "model.gguf", false), ("/abs", "model.gguf", false),
            ("org/name", "../model.gguf", false), ("org/name", "sub/model.gguf", false), ("org/name", ".hidden", false),
            ("org/name", "", false), ("org/.name", "model.gguf", false),
        ] as [(String, String, Bool)]
    )
    func safety(id: String, file: String, safe: Bool) {
        let model = RegisteredModel(
            id: id,
            repo: id,
            revision: "main",
            commit: "c",
            format: "gguf",
            quantization: nil,
            files: [ArtifactFile(path: file, url: "https://huggingface.co/x", sizeBytes: 1, sha256: nil, gitBlobID: nil)],
            backends: nil,
            requiredMemoryBytes: 1,
            registeredAt: 0
        )
        #expect(model.hasSafePaths == safe)
    }
}
