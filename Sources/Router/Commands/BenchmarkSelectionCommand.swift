import ArgumentParser
import Foundation
import Shared

/// `switchyard-router benchmark-selection` (hidden): measures node selection (reserve a slot and
/// give it back) on a synthetic fleet, for `docs/benchmarks.md`. Run it from a release build.
struct BenchmarkSelectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark-selection",
        abstract: "Measure node selection cost on a synthetic fleet (internal).",
        shouldDisplay: false
    )

    @Option(help: "Nodes in the fleet.")
    var nodes = 1000

    @Option(help: "Distinct models in the fleet.")
    var models = 100

    @Option(help: "Models each node serves.")
    var modelsPerNode = 10

    @Option(help: "Selections to time.")
    var iterations = 200_000

    @Flag(help: "Give every node one request in flight first, so no node is idle and every selection scans all candidates.")
    var busy = false

    func run() async throws {
        let registry = NodeRegistry(settings: RegistrySettings(offlineAfter: .seconds(3600)))
        var generator = SystemRandomNumberGenerator()
        for index in 0..<nodes {
            let served = (0..<models).shuffled(using: &generator).prefix(modelsPerNode).map { "model-\($0)" }
            let registration = NodeRegistration(
                url: "http://node-\(index):8801",
                instanceID: "i",
                name: "node-\(index)",
                backend: "cuda",
                devices: [],
                capacity: 8
            )
            _ = await registry.register(registration, models: served)
        }
        let names = (0..<models).map { "model-\($0)" }
        if busy { await registry.occupyEveryNode() }
        let measured = await registry.measureSelection(models: names, iterations: iterations)
        let perSelection = measured / iterations
        print("nodes=\(nodes) models=\(models) models_per_node=\(modelsPerNode) iterations=\(iterations) busy=\(busy)")
        print("selection+release: \(perSelection.formatted(.units(allowed: [.microseconds], fractionalPart: .show(length: 2)))) each")
    }
}

extension NodeRegistry {
    /// One request in flight on every node.
    func occupyEveryNode() {
        for slot in entries.indices { entries[slot].inFlight = 1 }
    }

    /// Times `iterations` reserve-and-release rounds inside the actor (no actor hops measured).
    func measureSelection(models: [String], iterations: Int) -> Duration {
        let clock = ContinuousClock()
        return clock.measure {
            for index in 0..<iterations {
                if case .leased(let lease) = tryAcquire(model: models[index % models.count]) {
                    release(lease)
                }
            }
        }
    }
}
