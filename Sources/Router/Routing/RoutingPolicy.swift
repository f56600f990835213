import ArgumentParser

/// How the router picks among the nodes that can take a request (`serve --routing`).
enum RoutingPolicy: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// Nodes where the model's engine is warm first, then the least loaded (the default: it
    /// cuts cold starts; `docs/benchmarks.md`).
    case warmFirst = "warm-first"
    /// The least loaded (in flight relative to capacity), blind to engines: what the router
    /// did before warm-first, kept for comparison.
    case leastLoaded = "least-loaded"
}
