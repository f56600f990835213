import Crypto
import Foundation
import Shared

/// Checks a downloaded file against the manifest: its size, and its SHA-256 (LFS files) or its
/// git blob ID (small files kept in git: SHA-1 of `blob <size>\0` and the content).
enum FileDigest {
    /// Why the file does not match, or nil when it does.
    static func mismatch(of url: URL, against file: ArtifactFile) throws -> String? {
        let size = Int64(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? -1)
        guard size == file.sizeBytes else { return "size mismatch: \(size) bytes, the hub says \(file.sizeBytes)" }
        if let expected = file.sha256?.lowercased() {
            var hash = SHA256()
            try read(url) { hash.update(data: $0) }
            let actual = Array(hash.finalize()).hexString
            return actual == expected ? nil : "checksum mismatch: SHA-256 \(actual.prefix(12))…, the hub says \(expected.prefix(12))…"
        }
        if let expected = file.gitBlobID?.lowercased() {
            var hash = Insecure.SHA1()
            hash.update(data: Data("blob \(size)\0".utf8))
            try read(url) { hash.update(data: $0) }
            let actual = Array(hash.finalize()).hexString
            return actual == expected ? nil : "checksum mismatch: git blob \(actual.prefix(12))…, the hub says \(expected.prefix(12))…"
        }
        return nil
    }

    private static func read(_ url: URL, _ body: (Data) -> Void) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { body(chunk) }
    }
}
