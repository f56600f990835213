import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Shared

/// Assembles the router: database, secrets, registry, controllers.
/// - Parameters:
///   - configuration: The resolved configuration.
///   - database: The router's database: SQLite (on disk, or in memory in tests), or the
///     PostgreSQL database that replicas share.
///   - logger: The process logger.
/// - Returns: The application and the secrets it generated on this start (to print once).
func buildApplication(
    _ configuration: RouterConfiguration,
    database: any RouterStorage,
    metrics: RouterMetrics = RouterMetrics(registry: PrometheusCollectorRegistry()),
    readiness: ServerReadiness = ServerReadiness(),
    logger: Logger
) async throws -> (app: some ApplicationProtocol, generatedSecrets: [(name: String, value: String)]) {
    let secrets = try await RouterSecrets.load(database: database, adminKey: configuration.adminKey, nodeToken: configuration.nodeToken)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .switchyardUpstream.verifying(with: configuration.clientTLS))
    let upstream = UpstreamClient(tls: configuration.clientTLS)
    let nodeStore = NodeStore(database: database)
    var settings = configuration.registry
    settings.sharesNodes = database.changes != nil
    let registry = try await NodeRegistry.restore(settings: settings, store: nodeStore, logger: logger)
    let keys = try await APIKeyStore(database: database)
    let registrations = try await RegisteredModels.load(store: RegisteredModelStore(database: database))
    let sessions = DashboardSessions(database: database)
    let hubClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .switchyardHub.verifying(with: configuration.clientTLS))
    let router = buildRouter(
        configuration,
        secrets: secrets,
        registry: registry,
        nodeStore: nodeStore,
        registrations: registrations,
        keys: keys,
        sessions: sessions,
        metrics: metrics,
        client: client,
        forwarder: UpstreamForwarder(client: upstream),
        hub: HubClient(client: hubClient, settings: configuration.hub),
        requestLog: RequestLogStore(database: database),
        readiness: readiness
    )
    var services: [any Service] = [
        upstream, HTTPClientService(client: client), HTTPClientService(client: hubClient),
        RouterMaintenanceService(
            keys: keys,
            registry: registry,
            metrics: metrics,
            requestLog: RequestLogStore(database: database),
            interval: min(.seconds(2), configuration.heartbeatInterval),
            reloadsKeys: database.changes == nil,
            readiness: readiness,
            logger: logger
        ),
        EndpointMonitor(
            registry: registry,
            fetcher: ModelListFetcher(
                agents: AgentClient(client: client, nodeToken: secrets.nodeToken),
                // Under two intervals: a poll answered then keeps the endpoint within offlineAfter.
                timeout: min(configuration.modelListTimeout, .nanoseconds(Int64(configuration.heartbeatInterval.seconds * 2e9)))
            ),
            interval: configuration.heartbeatInterval,
            logger: logger
        ),
    ]
    if let changes = database.changes {
        services.append(
            ReplicaSync(
                changes: changes,
                registry: registry,
                nodes: nodeStore,
                keys: keys,
                registrations: registrations,
                sessions: sessions,
                logger: logger
            )
        )
    }
    if let certificate = configuration.certificate {
        services.append(CertificateReloadService(certificate: certificate, logger: logger))
    }
    let app = Application(
        router: router,
        server: try .switchyard(limits: configuration.serverLimits, certificate: configuration.certificate, logger: logger),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "switchyard-router"),
        services: services,
        logger: logger
    )
    if DashboardAssets.directory == nil {
        logger.warning("dashboard files not found: copy switchyard_SwitchyardRouter.resources next to the executable")
    }
    return (app, secrets.generated)
}

/// The router's routes: the OpenAI surface (API key), the node protocol (node token) and the
/// admin surface (admin key).
func buildRouter(
    _ configuration: RouterConfiguration,
    secrets: RouterSecrets,
    registry: NodeRegistry,
    nodeStore: NodeStore? = nil,
    registrations: RegisteredModels,
    keys: APIKeyStore,
    sessions: DashboardSessions = DashboardSessions(),
    metrics: RouterMetrics = RouterMetrics(registry: PrometheusCollectorRegistry()),
    client: HTTPClient,
    forwarder: UpstreamForwarder,
    hub: HubClient,
    requestLog: RequestLogStore? = nil,
    readiness: ServerReadiness = ServerReadiness()
) -> Router<SwitchyardRequestContext> {
    let router = Router(context: SwitchyardRequestContext.self)
    router.add(middleware: APIErrorMiddleware(bodyLimit: configuration.bodyLimit))
    let document = APIDocument.load()
    if let document { router.add(middleware: MethodNotAllowedMiddleware(document: document)) }
    let adminKeyHash = secrets.adminKeyHash
    let isAdminKey: @Sendable (String) async -> Bool = { token in
        if RouterSecrets.matches(token, hash: adminKeyHash) { return true }
        return await keys.isAdmin(token)
    }
    let adminAuth = AdminAuthMiddleware<SwitchyardRequestContext>(isAdminKey: isAdminKey, sessions: sessions)
    let nodeTokenHash = RouterSecrets.hash(secrets.nodeToken)
    let agentOrAdminAuth = AdminAuthMiddleware<SwitchyardRequestContext>(
        isAdminKey: { token in RouterSecrets.matches(token, hash: nodeTokenHash) ? true : await isAdminKey(token) },
        sessions: sessions
    )
    let nodeAuth = BearerAuthMiddleware<SwitchyardRequestContext>(secret: secrets.nodeToken)
    let apiKeyAuth = BearerAuthMiddleware<SwitchyardRequestContext> { token in
        if RouterSecrets.matches(token, hash: adminKeyHash) { return true }
        return await keys.isValid(token)
    }
    .acceptingAPIKeyHeader()

    router.get("health") { _, _ in
        // 503 from the moment a graceful shutdown begins, so load balancers stop sending.
        guard await readiness.isDraining else { return Response(status: .ok) }
        return Response(
            status: .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"status":"draining"}"#))
        )
    }
    OpenAPIController(document: document).addRoutes(to: router)
    router.get("metrics") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        )
    }
    let agents = AgentClient(client: client, nodeToken: secrets.nodeToken)
    let openAI = router.group("v1").add(middleware: apiKeyAuth)
    ModelsController(registry: registry).addRoutes(to: openAI)
    let requestRouter = RequestRouter(
        registry: registry,
        forwarder: forwarder,
        metrics: metrics,
        nodeToken: secrets.nodeToken,
        firstByteTimeout: configuration.firstByteTimeout,
        maxAttempts: configuration.maxAttempts,
        busyPatience: configuration.registry.queueTimeout
    )
    InferenceController(
        router: requestRouter,
        registrations: registrations,
        bodyLimit: configuration.bodyLimit,
        routing: configuration.registry.routing
    )
    .addRoutes(to: openAI)
    NodeProtocolController(
        registry: registry,
        store: nodeStore,
        registrations: registrations,
        fetcher: ModelListFetcher(agents: agents, timeout: configuration.modelListTimeout),
        heartbeatInterval: configuration.heartbeatInterval
    ).addRoutes(to: router, protectedBy: nodeAuth)
    AdminNodesController(registry: registry, agents: agents).addRoutes(to: router, protectedBy: adminAuth)
    EndpointsController(
        registry: registry,
        fetcher: ModelListFetcher(agents: agents, timeout: configuration.modelListTimeout),
        detection: ServerDetection(client: agents)
    ).addRoutes(to: router, protectedBy: adminAuth)
    AdminKeysController(keys: keys).addRoutes(to: router, protectedBy: adminAuth)
    ModelRegistrationController(
        registrar: ModelRegistrar(hub: hub, registrations: registrations),
        registrations: registrations,
        registry: registry
    ).addRoutes(to: router, admin: adminAuth, agentOrAdmin: agentOrAdminAuth)
    DashboardController(
        assets: DashboardAssets.loadOrPlaceholder(),
        sessions: sessions,
        isAdminKey: isAdminKey,
        snapshot: {
            await DashboardSnapshot.gather(registry: registry, registrations: registrations, traffic: metrics.traffic, requestLog: requestLog)
        }
    ).addRoutes(to: router, admin: adminAuth)
    return router
}
