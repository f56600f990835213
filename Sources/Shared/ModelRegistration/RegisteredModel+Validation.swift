import Crypto
import Foundation

extension RegisteredModel {
    /// Whether `id` is a hub repository ID (`name` or `org/name`) that is safe as a path below a
    /// models directory: each part letters, digits, `-`, `_` and `.`, not starting with `-` or
    /// `.`, not ending with `.`, no `..`, at most 96 characters.
    public static func isValidID(_ id: String) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { isValidNamePart(String($0)) }
    }

    /// One part of a repository ID, by the hub's rules.
    public static func isValidNamePart(_ part: String) -> Bool {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        return (1...96).contains(part.count)
            && part.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
            && !part.hasPrefix("-") && !part.hasPrefix(".") && !part.hasSuffix(".") && !part.contains("..")
    }

    /// Whether every ID and file name in the registration is safe to use as a path (an agent
    /// checks this before writing anything, whatever the router or hub sent).
    public var hasSafePaths: Bool {
        Self.isValidID(id) && !files.isEmpty && files.allSatisfy { ArtifactFile.isValidName($0.path) }
    }
}

extension RegisteredModel {
    /// A digest of everything the agents act on (files, URLs, sizes, checksums, format,
    /// backends, memory): a registration that changes any of it is a different download.
    public var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var pinned = self
        pinned.registeredAt = 0
        let data = (try? encoder.encode(pinned)) ?? Data(id.utf8)
        return SHA256.hash(data: data).prefix(8).hexString
    }
}

extension ArtifactFile {
    /// Whether `name` is a plain file name: no directory part, not hidden, no control characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255 && !name.contains("/") && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}
