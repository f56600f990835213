import Foundation

/// How the agent downloads registered models.
struct DownloadSettings: Sendable {
    /// Models downloaded at the same time.
    var maxConcurrent = 2
    /// Bytes per second for all downloads together (nil: unlimited).
    var bytesPerSecond: Int64?
    /// Origins (`scheme://host[:port]`) files may be downloaded from.
    var allowedOrigins: [String] = ["https://huggingface.co", "https://hf.co"]
    /// A hub token for gated and private repositories (`HF_TOKEN`), sent to allowed origins only.
    var token: String?

    /// Settings with `HF_ENDPOINT` added to the allowed origins and the token from `HF_TOKEN`.
    static func fromEnvironment(_ environment: [String: String], extraOrigins: [String]) -> DownloadSettings {
        var settings = DownloadSettings()
        settings.allowedOrigins += ([environment["HF_ENDPOINT"]].compactMap { $0 } + extraOrigins).compactMap(origin(of:))
        settings.token = [environment["HF_TOKEN"], environment["HUGGING_FACE_HUB_TOKEN"]].compactMap { $0 }.first { !$0.isEmpty }
        return settings
    }

    /// Whether `url` may be downloaded from.
    func allows(_ url: String) -> Bool {
        guard let origin = Self.origin(of: url) else { return false }
        return allowedOrigins.contains(origin)
    }

    /// `scheme://host[:port]` of a URL, lowercased; nil when it is not http(s).
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        return components.port.map { $0 == defaultPort ? "\(scheme)://\(host)" : "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}
