import ArgumentParser

/// The engines this node has: the managed `llama-server` for GGUF, and external
/// OpenAI-compatible engines declared per format (`--engine safetensors=http://127.0.0.1:8000`).
struct EngineCatalogue: Sendable, Equatable {
    /// Formats the agent runs itself (GGUF through llama-server).
    var managedFormats: Set<ModelFormat> = [.gguf]
    /// External engines' base URLs by format; they win over the managed engine.
    var external: [ModelFormat: String] = [:]

    init(managedFormats: Set<ModelFormat> = [.gguf], declarations: [EngineDeclaration] = []) {
        self.managedFormats = managedFormats
        for declaration in declarations { external[declaration.format] = declaration.url }
    }

    /// Who serves a format on this node; nil when nobody does.
    func engine(for format: ModelFormat) -> EngineKind? {
        if external[format] != nil { return .external }
        return managedFormats.contains(format) ? .llamaServer : nil
    }
}

/// Who serves a model: the `llama-server` the agent manages, or an engine declared external.
enum EngineKind: String, Codable, Sendable {
    case llamaServer = "llama-server"
    case external
}

/// One `--engine FORMAT=URL` argument.
struct EngineDeclaration: ExpressibleByArgument, Sendable, Equatable {
    var format: ModelFormat
    var url: String

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let format = ModelFormat(rawValue: parts[0].lowercased()),
            parts[1].hasPrefix("http://") || parts[1].hasPrefix("https://")
        else { return nil }
        self.format = format
        var url = parts[1]
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix("/v1") { url.removeLast(3) }
        self.url = url
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
