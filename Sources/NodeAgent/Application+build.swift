import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// Assembles the agent: state, engine pool, controllers, and the link to the router.
/// - Parameters:
///   - configuration: The resolved configuration.
///   - logger: The process logger.
/// - Returns: The application, ready for `runService()`.
func buildApplication(
    _ configuration: AgentConfiguration,
    readiness: ServerReadiness = ServerReadiness(),
    logger: Logger
) async throws -> some ApplicationProtocol {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .switchyardUpstream.verifying(with: configuration.clientTLS))
    let catalogue = ModelCatalogue(root: configuration.modelsDirectory)
    // One profile judges the models and sizes the ledger engines are placed with.
    let host = HostProfile(report: configuration.detection, shape: configuration.shape, memoryBudgetBytes: configuration.memoryBudgetBytes)
    let state = AgentState(
        catalogue: catalogue,
        host: host,
        engines: configuration.engines,
        capacity: configuration.capacity
    )
    let engines = EnginePool(
        settings: configuration.engine,
        catalogue: configuration.engines,
        ledger: host.ledger(on: host.target(for: .llamaServer)),
        policy: configuration.enginePolicy,
        client: client,
        logger: logger
    )
    let hubClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .switchyardHub.verifying(with: configuration.clientTLS))
    let downloader = ModelDownloader(
        root: configuration.modelsDirectory,
        maxConcurrent: configuration.downloads.maxConcurrent,
        fetcher: FileFetcher(
            client: hubClient,
            settings: configuration.downloads,
            limiter: configuration.downloads.bytesPerSecond.map(BandwidthLimiter.init),
            logger: logger
        ),
        state: state,
        logger: logger
    )
    let upstream = UpstreamClient(tls: configuration.clientTLS)
    let router = buildRouter(
        configuration,
        state: state,
        engines: engines,
        forwarder: UpstreamForwarder(client: upstream),
        readiness: readiness
    )

    var services: [any Service] = [
        upstream,
        HTTPClientService(client: client),
        HTTPClientService(client: hubClient),
        MaintenanceService(state: state, engines: engines, catalogue: catalogue, interval: configuration.maintenanceInterval, logger: logger),
    ]
    if let certificate = configuration.certificate {
        services.append(CertificateReloadService(certificate: certificate, logger: logger))
    }
    if let routerURL = configuration.routerURL {
        services.append(
            RouterLink(
                routers: RouterAddresses(routerURL),
                nodeToken: configuration.nodeToken,
                advertisedURL: { configuration.advertisedURL(boundPort: $0) },
                describe: { url in
                    NodeRegistration(
                        url: url,
                        instanceID: state.instanceID,
                        name: configuration.nodeName,
                        backend: configuration.detection.backend.rawValue,
                        devices: configuration.detection.deviceSummary,
                        capacity: state.capacity,
                        engine: configuration.detection.engineSummary
                    )
                },
                state: state,
                engines: engines,
                downloader: downloader,
                readiness: readiness,
                client: client,
                logger: logger
            )
        )
    }
    let verdicts = await state.verdicts
    for verdict in verdicts where !verdict.isExecutable {
        logger.notice("model not served", metadata: ["model": "\(verdict.model.id)", "reason": "\(verdict.reason ?? "")"])
    }
    logger.info(
        "agent starting",
        metadata: [
            "backend": "\(configuration.detection.backend.rawValue)",
            "models.executable": "\(verdicts.filter(\.isExecutable).count)",
            "models.total": "\(verdicts.count)",
            "instance_id": "\(state.instanceID)",
        ]
    )
    return Application(
        router: router,
        server: try .switchyard(limits: configuration.serverLimits, certificate: configuration.certificate, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "switchyard-agent"),
        services: services,
        onServerRunning: { await readiness.markRunning($0) },
        logger: logger
    )
}

/// The agent's routes: health (open), models and inference (node token required).
func buildRouter(
    _ configuration: AgentConfiguration,
    state: AgentState,
    engines: EnginePool,
    forwarder: UpstreamForwarder,
    readiness: ServerReadiness = ServerReadiness()
) -> Router<SwitchyardRequestContext> {
    let router = Router(context: SwitchyardRequestContext.self)
    router.add(middleware: APIErrorMiddleware(bodyLimit: configuration.bodyLimit))
    let auth = BearerAuthMiddleware<SwitchyardRequestContext>(secret: configuration.nodeToken)
    NodeHealthController(state: state, engines: engines, readiness: readiness).addRoutes(to: router)
    SystemController(report: configuration.detection, engines: engines).addRoutes(to: router, protectedBy: auth)
    NodeModelsController(state: state, report: configuration.detection, startedAt: Int(Date().timeIntervalSince1970)).addRoutes(
        to: router,
        protectedBy: auth
    )
    NodeInferenceController(
        state: state,
        engines: engines,
        forwarder: forwarder,
        bodyLimit: configuration.bodyLimit,
        responseTimeout: configuration.responseTimeout,
        admission: Admission(limit: state.capacity)
    ).addRoutes(to: router, protectedBy: auth)
    return router
}
