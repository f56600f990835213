import Foundation
import Logging
import Shared

/// Keeps the models directory in step with the router's registered models: downloads those this
/// node can run (a few at a time), reports where each stands, and deletes the copies it
/// downloaded once their registration is gone. Files it did not download are never touched.
///
/// Downloads are staged under `.switchyard-downloads/` (hidden, so the catalogue never sees a
/// half-written model) and moved into place in one rename once every file is verified. A
/// restarted agent resumes the staged files where they stopped.
actor ModelDownloader {
    let root: URL
    let maxConcurrent: Int
    let fetcher: FileFetcher
    let state: AgentState
    let logger: Logger
    private var registered: [String: RegisteredModel] = [:]
    private var reports: [String: DownloadReport] = [:]
    /// Running downloads, with the fingerprint of the registration each fetches.
    private var jobs: [String: (token: UUID, fingerprint: String, task: Task<Void, Never>)] = [:]
    private var waiting: [String] = []
    /// Models whose download cannot succeed for this registration (by fingerprint: checksum
    /// mismatch, refused).
    private var permanentFailures: [String: String] = [:]
    /// Whether a sync with the router is under way (one at a time).
    private var syncing = false
    private var speed: [String: (at: ContinuousClock.Instant, bytes: Int64, rate: Double)] = [:]
    /// The version of the registered-model list last applied.
    private(set) var syncedVersion: String?

    static let stagingFolder = ".switchyard-downloads"
    static let markerName = ".switchyard-registration.json"

    init(root: URL, maxConcurrent: Int, fetcher: FileFetcher, state: AgentState, logger: Logger) {
        self.root = root
        self.maxConcurrent = max(1, maxConcurrent)
        self.fetcher = fetcher
        self.state = state
        self.logger = logger
    }

    /// Claims the right to sync (false while another sync runs).
    func beginSync() -> Bool {
        guard !syncing else { return false }
        syncing = true
        return true
    }

    /// Ends a sync claimed with ``beginSync()``.
    func endSync() {
        syncing = false
    }

    /// Where each registered model stands here, for the heartbeat.
    var currentReports: [DownloadReport] {
        reports.values.sorted { $0.model < $1.model }
    }

    /// Applies the router's list: removes what is no longer registered, then starts, keeps or
    /// reports on every registered model.
    func sync(_ list: RegisteredModelList) async {
        let (safe, unsafe) = (list.models.filter(\.hasSafePaths), list.models.filter { !$0.hasSafePaths })
        registered = Dictionary(safe.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        // Stop downloads of models unregistered or registered again with other files.
        for (id, job) in jobs where registered[id]?.fingerprint != job.fingerprint {
            job.task.cancel()
            jobs[id] = nil
        }
        waiting.removeAll { registered[$0] == nil }
        reports = reports.filter { registered[$0.key] != nil }
        permanentFailures = permanentFailures.filter { registered[$0.key]?.fingerprint == $0.value }
        for model in unsafe {
            logger.warning("registered model ignored: its ID or file names are not safe paths", metadata: ["model": "\(model.id)"])
            reports[model.id] = DownloadReport(model: model.id, state: .failed, reason: "the manifest's ID or file names are not safe paths")
        }
        var removed = false
        for (id, fingerprint) in installedModels() where registered[id]?.fingerprint != fingerprint {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(id))
            logger.info("registered model removed", metadata: ["model": "\(id)"])
            removed = true
        }
        let keep = Set(registered.values.map(Self.stagingName(for:)))
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: stagingRoot.path)) ?? [] where !keep.contains(entry) {
            try? FileManager.default.removeItem(at: stagingRoot.appendingPathComponent(entry))
        }
        if removed { await state.rescan() }
        for model in safe { await consider(model) }
        syncedVersion = list.version
        startWaiting()
    }

    /// Decides what to do about one registered model.
    private func consider(_ model: RegisteredModel) async {
        let id = model.id
        guard registered[id] != nil, jobs[id] == nil, !waiting.contains(id), permanentFailures[id] != model.fingerprint else { return }
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(id).path) {
            let verdict = await state.verdict(of: id)
            reports[id] =
                verdict?.isExecutable == true
                ? DownloadReport(model: id, state: .ready, bytesDone: model.sizeBytes, bytesTotal: model.sizeBytes)
                : DownloadReport(
                    model: id,
                    state: .notRunnable,
                    bytesTotal: model.sizeBytes,
                    reason: verdict?.reason ?? "a directory with this ID holds no model"
                )
            return
        }
        if let reason = await unrunnableReason(model) {
            reports[id] = DownloadReport(model: id, state: .notRunnable, bytesTotal: model.sizeBytes, reason: reason)
            return
        }
        reports[id] = DownloadReport(model: id, state: .queued, bytesDone: stagedBytes(of: model), bytesTotal: model.sizeBytes)
        waiting.append(id)
    }

    /// Why this node could not serve the model once downloaded (backend, engine, memory), or nil.
    private func unrunnableReason(_ model: RegisteredModel) async -> String? {
        guard let format = ModelFormat(rawValue: model.format) else { return "this agent does not know the format '\(model.format)'" }
        let weights = model.files.filter { $0.path.hasSuffix(".gguf") || $0.path.hasSuffix(".safetensors") }.reduce(0) { $0 + $1.sizeBytes }
        var candidate = LocalModel(id: model.id, format: format, file: root.appendingPathComponent(model.id), kind: .chat, sizeBytes: weights)
        candidate.declaredBackends = model.backends.map { $0.compactMap(Backend.init(rawValue:)) }
        candidate.declaredMemoryBytes = model.requiredMemoryBytes
        return await state.verdict(forCandidate: candidate).reason
    }

    private func startWaiting() {
        while jobs.count < maxConcurrent, !waiting.isEmpty {
            let id = waiting.removeFirst()
            guard let model = registered[id] else { continue }
            let token = UUID()
            jobs[id] = (token, model.fingerprint, Task { await self.download(model, token: token) })
        }
    }

    /// Downloads every file of the model, retrying transient failures with backoff, then
    /// installs it. A sync that unregisters or changes the model cancels it.
    private func download(_ model: RegisteredModel, token: UUID) async {
        let id = model.id
        defer {
            if jobs[id]?.token == token { jobs[id] = nil }
            speed[id] = nil
            startWaiting()
        }
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await fetchAll(model)
                guard !Task.isCancelled else { return }
                try install(model)
                reports[id] = DownloadReport(model: id, state: .ready, bytesDone: model.sizeBytes, bytesTotal: model.sizeBytes)
                logger.info("registered model downloaded", metadata: ["model": "\(id)", "bytes": "\(model.sizeBytes)"])
                await state.rescan()
                return
            } catch DownloadFailure.permanent(let reason) {
                guard !Task.isCancelled else { return }
                permanentFailures[id] = model.fingerprint
                fail(model, reason: reason)
                return
            } catch {
                guard !Task.isCancelled else { return }
                attempt += 1
                let delay = min(300, 1 << min(attempt, 9))
                fail(model, reason: "\(error); retrying in \(delay) s")
                try? await Task.sleep(for: .seconds(delay))
            }
        }
    }

    private func fetchAll(_ model: RegisteredModel) async throws {
        let staging = stagingRoot.appendingPathComponent(Self.stagingName(for: model))
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        var done: Int64 = 0
        for file in model.files {
            let base = done
            try await fetcher.fetch(file, to: staging.appendingPathComponent(file.path)) { bytes in
                await self.progress(model.id, bytes: base + bytes, total: model.sizeBytes)
            }
            done += file.sizeBytes
            progress(model.id, bytes: done, total: model.sizeBytes)
        }
    }

    private func fail(_ model: RegisteredModel, reason: String) {
        reports[model.id] = DownloadReport(
            model: model.id,
            state: .failed,
            bytesDone: stagedBytes(of: model),
            bytesTotal: model.sizeBytes,
            reason: reason
        )
        logger.warning("registered model download failed", metadata: ["model": "\(model.id)", "reason": "\(reason)"])
    }

    /// Records progress; the speed is smoothed over half-second samples.
    private func progress(_ id: String, bytes: Int64, total: Int64) {
        guard jobs[id] != nil else { return }
        let now = ContinuousClock.now
        var sample = speed[id] ?? (now, bytes, 0)
        let elapsed = now - sample.at
        if elapsed >= .milliseconds(500) {
            let instant = Double(bytes - sample.bytes) / elapsed.seconds
            sample = (now, bytes, sample.rate == 0 ? instant : 0.7 * sample.rate + 0.3 * instant)
        }
        speed[id] = sample
        reports[id] = DownloadReport(
            model: id,
            state: .downloading,
            bytesDone: bytes,
            bytesTotal: total,
            bytesPerSecond: sample.rate > 0 ? Int64(sample.rate) : nil
        )
    }
}
