import ArgumentParser

/// How engines are shaped and what they may hold: `serve` runs with these options, and `models`
/// takes the same so that its verdicts are the ones `serve` would reach.
struct ServingOptions: ParsableArguments {
    @Option(help: "Parallel requests per engine; also the capacity reported to the router.")
    var slots = ServingShape.default.slots

    @Option(help: "Context tokens per parallel request (capped by the model's own context).")
    var contextPerSlot = ServingShape.default.contextPerSlot

    @Flag(help: "Serve a model whose KV cache does not fit at --context-per-slot with less context instead of refusing it.")
    var fitContext = false

    @Option(
        help: "GiB engines may hold on each device (default: 90 % of each device's free memory at start; on the CPU, 80 % of RAM)."
    )
    var memoryBudget: Double?

    /// Slots and context per slot as the options set them.
    var shape: ServingShape { ServingShape(slots: slots, contextPerSlot: contextPerSlot, fitsContext: fitContext) }

    /// `--memory-budget` in bytes.
    var memoryBudgetBytes: Int64? { memoryBudget.map { Int64($0 * 1_073_741_824) } }

    func validate() throws {
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be between 1 and 256") }
        guard contextPerSlot >= 64 else { throw ValidationError("--context-per-slot must be at least 64") }
        guard memoryBudget.map({ $0 > 0 }) ?? true else { throw ValidationError("--memory-budget must be positive") }
    }
}
