/// Where one registered model stands on one agent; agents send these in heartbeats.
public struct DownloadReport: Codable, Sendable, Equatable {
    /// The lifecycle states of a registered model on a node.
    public enum State: String, Codable, Sendable {
        /// Waiting for a download slot.
        case queued
        /// Files are being fetched.
        case downloading
        /// Downloaded and verified (or present locally); the node serves it.
        case ready
        /// The download failed; `reason` says why.
        case failed
        /// This node cannot run the model (backend, engine or memory); `reason` says why.
        case notRunnable = "not_runnable_here"
    }

    /// The registered model's ID.
    public var model: String
    public var state: State
    /// Bytes on disk so far (all files).
    public var bytesDone: Int64
    /// Bytes of all files together.
    public var bytesTotal: Int64
    /// Recent download speed, when downloading.
    public var bytesPerSecond: Int64?
    /// Why the model failed or cannot run here.
    public var reason: String?

    public init(model: String, state: State, bytesDone: Int64 = 0, bytesTotal: Int64 = 0, bytesPerSecond: Int64? = nil, reason: String? = nil) {
        self.model = model
        self.state = state
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.bytesPerSecond = bytesPerSecond
        self.reason = reason
    }

    /// Progress in percent (0–100).
    public var percent: Double {
        bytesTotal > 0 ? min(100, Double(bytesDone) * 100 / Double(bytesTotal)) : 0
    }

    /// Seconds left at the current speed, when known.
    public var secondsLeft: Int? {
        guard state == .downloading, let speed = bytesPerSecond, speed > 0 else { return nil }
        return Int((bytesTotal - bytesDone + speed - 1) / speed)
    }

    enum CodingKeys: String, CodingKey {
        case model, state, reason
        case bytesDone = "bytes_done"
        case bytesTotal = "bytes_total"
        case bytesPerSecond = "bytes_per_second"
    }
}
