import Foundation

/// Decides which backend this host runs models on.
///
/// This first version knows the CPU and operator overrides only: a backend forced with
/// `--backend` or `SWITCHYARD_BACKEND` is used as given and reported as forced; otherwise the
/// host is reported as CPU. GPU probing through the C shims replaces the unforced branch.
struct HostDetector: Sendable {
    /// The backend forced by the operator, if any.
    var forced: Backend?

    /// Runs detection once.
    func detect() -> DetectionReport {
        let memory = HostMemory.read()
        if let forced {
            return DetectionReport(backend: forced, forced: true, reason: "forced by the operator", memory: memory)
        }
        return DetectionReport(backend: .cpu, forced: false, reason: "no GPU backend was probed; running on the CPU", memory: memory)
    }
}
