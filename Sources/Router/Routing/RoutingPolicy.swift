import ArgumentParser

/// How the router picks among the nodes that can take a request (`serve --routing`).
enum RoutingPolicy: String, Sendable, Codable, CaseIterable, ExpressibleByArgument {
    /// Nodes where the model's engine is warm first, then the least loaded (the default: it
    /// cuts cold starts; `docs/benchmarks.md`).
    case warmFirst = "warm-first"
    /// The least loaded (in flight relative to capacity), blind to engines: what the router
    /// did before warm-first, kept for comparison.
    case leastLoaded = "least-loaded"
    /// Warm first, and a request without a session key is keyed by its prompt's start (a
    /// hash of its first 2 KiB), so a conversation's turns meet the node that has its prefix
    /// cached. A prototype measured against the others (`docs/benchmarks.md`).
    case prefixAffinity = "prefix-affinity"

    /// Whether warmth and measured speeds decide.
    var isEngineAware: Bool { self != .leastLoaded }
}
