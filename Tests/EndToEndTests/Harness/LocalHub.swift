import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat

/// A Hugging Face compatible hub the tests run in-process: the model-info API
/// (`/api/models/{repo}[/revision/{rev}]` with sizes, blob IDs and LFS hashes) and file downloads
/// (`/{repo}/resolve/{rev}/{file}` with range requests), serving real files. It can gate a
/// repository, corrupt a file, and throttle a file so that a test can stop an agent mid-download;
/// it counts the bytes it sends and the range each download asked for.
final class LocalHub: Sendable {
    /// One file of a repository.
    struct File: Sendable {
        var path: String
        var source: URL
        var size: Int64
        var sha256: String?
        var blobID: String?
    }

    /// A repository.
    struct Repo: Sendable {
        var id: String
        var commit = String(repeating: "c0ffee", count: 7).prefix(40).description
        var gated = false
        var files: [File]
    }

    /// The token the hub accepts for gated repositories.
    static let token = "hf_local_test_token"

    let url: String
    let state: State
    private let task: Task<Void, any Error>

    /// What the hub serves and what it saw.
    actor State {
        var repos: [String: Repo] = [:]
        var corrupt: Set<String> = []
        var bytesPerSecond: [String: Int] = [:]
        private(set) var bytesSent: [String: Int64] = [:]
        private(set) var rangeStarts: [String: [Int64]] = [:]

        func add(_ repo: Repo) { repos[repo.id.lowercased()] = repo }
        func corrupt(_ path: String) { corrupt.insert(path) }
        func throttle(_ path: String, bytesPerSecond: Int?) { self.bytesPerSecond[path] = bytesPerSecond }
        func sent(_ count: Int, of path: String) { bytesSent[path, default: 0] += Int64(count) }
        func started(_ path: String, at offset: Int64) { rangeStarts[path, default: []].append(offset) }
        func repo(_ id: String) -> Repo? { repos[id.lowercased()] }
    }

    /// Starts the hub on a free loopback port.
    static func start() async throws -> LocalHub {
        let state = State()
        let port = PortBox()
        let app = Application(
            router: Self.router(state),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "local-hub"),
            onServerRunning: { await port.set($0.localAddress?.port ?? 0) },
            logger: Self.quietLogger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        return LocalHub(url: "http://127.0.0.1:\(await port.value())", state: state, task: task)
    }

    /// The hub's own log stays out of the test output (stopping it mid-connection is normal).
    private static var quietLogger: Logger {
        var logger = Logger(label: "local-hub")
        logger.logLevel = .critical
        return logger
    }

    private init(url: String, state: State, task: Task<Void, any Error>) {
        self.url = url
        self.state = state
        self.task = task
    }

    /// Stops the server.
    func stop() {
        task.cancel()
    }

    /// A file entry for a real file: LFS with its SHA-256 (large files), or a git blob (small ones).
    static func file(_ path: String, from source: URL, lfs: Bool = true) throws -> File {
        let data = try Data(contentsOf: source, options: .alwaysMapped)
        if lfs { return File(path: path, source: source, size: Int64(data.count), sha256: Array(SHA256.hash(data: data)).hex) }
        var sha1 = Insecure.SHA1()
        sha1.update(data: Data("blob \(data.count)\0".utf8))
        sha1.update(data: data)
        return File(path: path, source: source, size: Int64(data.count), blobID: Array(sha1.finalize()).hex)
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// The bound port, once the server runs.
actor PortBox {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ port: Int) {
        self.port = port
        for waiter in waiters { waiter.resume(returning: port) }
        waiters = []
    }

    func value() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
