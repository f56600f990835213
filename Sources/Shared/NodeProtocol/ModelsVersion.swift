import Crypto

/// The models-version hash agents put in heartbeats: a digest of the sorted model IDs.
public enum ModelsVersion {
    /// Hashes a model list; the order of the input does not matter.
    public static func of(_ modelIDs: [String]) -> String {
        let joined = modelIDs.sorted().joined(separator: "\n")
        return SHA256.hash(data: Array(joined.utf8)).prefix(8).hexString
    }
}
