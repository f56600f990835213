import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ServiceLifecycle
import Shared

/// Keeps the node registered with the router: registers once the HTTP server runs, sends
/// heartbeats, and registers again when the router no longer knows the node (it restarted, or
/// dropped the node). Failures are retried with capped exponential backoff and logged with
/// their reason.
struct RouterLink: Service {
    /// The router's URL, or each replica's.
    let routers: RouterAddresses
    let nodeToken: String
    let advertisedURL: @Sendable (Int) -> String
    let describe: @Sendable (String) async -> NodeRegistration
    let state: AgentState
    /// The engines, whose checked-out count is the node's in-flight count.
    let engines: EnginePool
    /// Syncs registered models; nil when the agent downloads none.
    let downloader: ModelDownloader?
    let readiness: ServerReadiness
    let client: HTTPClient
    let logger: Logger

    func run() async throws {
        let port = await readiness.waitUntilRunning()
        let url = advertisedURL(port)
        let plaintext = PlaintextWarning()
        for router in routers.urls { plaintext.check(url: router, peer: "the router", secret: "The node token", logger: logger) }
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let reply = try await register(url: url)
                    failures = 0
                    logger.info("registered with router", metadata: ["node.id": "\(reply.nodeID)", "models": "\(reply.models.count)"])
                    try await heartbeat(nodeID: reply.nodeID, interval: reply.heartbeatIntervalSeconds)
                } catch is CancellationError {
                    return
                } catch RouterLinkError.unknownNode {
                    logger.info("router does not know this node; registering again")
                } catch {
                    failures += 1
                    var delay = min(30.0, 0.5 * pow(2.0, Double(min(failures, 6))))
                    if case RouterLinkError.rejected = error, downloader != nil {
                        // Rejected (e.g. no executable models yet): registered models may still be
                        // downloaded, after which registering succeeds; try again soon.
                        await syncRegistrations()
                        delay = min(delay, 5)
                    }
                    logger.warning("router link down; retrying", metadata: ["reason": "\(Self.summary(of: error))", "retry_in_s": "\(delay)"])
                    try? await Task.sleep(for: .seconds(delay))
                }
            }
        }
    }

    private func register(url: String) async throws -> NodeRegistrationReply {
        let registration = await describe(url)
        let response = try await post("/v0/nodes", body: registration, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok || response.status == .created else {
            throw RouterLinkError.rejected(status: response.status.code, detail: Self.errorMessage(in: body))
        }
        return try JSONDecoder().decode(NodeRegistrationReply.self, from: body)
    }

    /// Sends heartbeats until the router answers 404 (re-register) or too many fail in a row.
    /// The beat after a graceful shutdown began goes at once, so the router stops sending new
    /// requests before the listener closes.
    private func heartbeat(nodeID: String, interval: Double) async throws {
        var misses = 0
        var toldDraining = false
        while true {
            try await sleep(for: max(0.2, interval), unlessDrainingBegins: !toldDraining)
            toldDraining = await readiness.isDraining
            let beat = NodeHeartbeat(
                instanceID: state.instanceID,
                inFlight: await engines.inFlight,
                modelsVersion: await state.modelsVersion,
                downloads: await downloader?.currentReports,
                engines: await engines.reports(serving: await state.executableModels, logger: logger),
                freeMemoryBytes: await engines.freeMemoryBytes,
                draining: toldDraining ? true : nil
            )
            do {
                let response = try await post("/v0/nodes/\(nodeID)/heartbeat", body: beat, timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 1 << 16)
                if response.status == .notFound { throw RouterLinkError.unknownNode }
                misses = response.status == .ok ? 0 : misses + 1
                if let reply = try? JSONDecoder().decode(NodeHeartbeatReply.self, from: body),
                    await downloader?.syncedVersion != reply.registrationsVersion
                {
                    // Off the heartbeat loop: a slow or failing sync must not make the node miss beats.
                    Task { await syncRegistrations() }
                }
            } catch let error as RouterLinkError {
                throw error
            } catch {
                misses += 1
                if misses >= 3 { throw error }
            }
        }
    }

    /// Sleeps `seconds`, in tenths of a second when `watching`, waking early once draining began.
    private func sleep(for seconds: Double, unlessDrainingBegins watching: Bool) async throws {
        let end = ContinuousClock.now + .seconds(seconds)
        while watching, ContinuousClock.now < end - .milliseconds(100) {
            if await readiness.isDraining { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(until: end)
    }

    /// Fetches the registered models and lets the downloader act on them, one sync at a time.
    /// A failure is logged; the next heartbeat that still sees another version tries again.
    private func syncRegistrations() async {
        guard let downloader, await downloader.beginSync() else { return }
        do {
            let response = try await send("/v0/models/manifests", method: .GET, body: nil, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 64 << 20)
            guard response.status == .ok else {
                throw RouterLinkError.rejected(status: response.status.code, detail: Self.errorMessage(in: body))
            }
            await downloader.sync(try JSONDecoder().decode(RegisteredModelList.self, from: body))
        } catch {
            logger.warning("cannot sync registered models", metadata: ["reason": "\(Self.summary(of: error))"])
        }
        await downloader.endSync()
    }

    private func post(_ path: String, body: some Encodable, timeout: TimeAmount) async throws -> HTTPClientResponse {
        try await send(path, method: .POST, body: ByteBuffer(data: try JSONEncoder().encode(body)), timeout: timeout)
    }

    /// Sends a request to the router in use; when it cannot be reached, the next one is used
    /// from the next request on.
    private func send(_ path: String, method: HTTPMethod, body: ByteBuffer?, timeout: TimeAmount) async throws -> HTTPClientResponse {
        let router = routers.current
        var request = HTTPClientRequest(url: router + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(nodeToken)")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(body)
        }
        do {
            return try await client.execute(request, timeout: timeout, logger: logger)
        } catch {
            routers.failed(router)
            throw error
        }
    }

    /// The router's own rejections as they are; transport failures without addresses.
    private static func summary(of error: any Error) -> String {
        (error as? RouterLinkError).map(String.init(describing:)) ?? NetworkErrorSummary.describe(error)
    }

    private static func errorMessage(in body: ByteBuffer) -> String {
        if let envelope = try? JSONDecoder().decode(OpenAIError.Envelope.self, from: body) {
            return "\(envelope.error.code ?? envelope.error.type): \(envelope.error.message)"
        }
        return String(buffer: body).prefix(200).description
    }
}

/// Why the router link is down.
enum RouterLinkError: Error, CustomStringConvertible {
    case rejected(status: UInt, detail: String)
    case unknownNode

    var description: String {
        switch self {
        case .rejected(let status, let detail): "registration rejected (\(status)): \(detail)"
        case .unknownNode: "the router does not know this node any more; registering again"
        }
    }
}
