import Foundation
import Hummingbird
import Logging
import Shared

/// The agents' side of the router: `POST /v0/nodes` (register) and
/// `POST /v0/nodes/{id}/heartbeat`, both authenticated with the node token.
struct NodeProtocolController<Context: RequestContext> {
    let registry: NodeRegistry
    /// The nodes in the database: a node registered through another replica is found there.
    let store: NodeStore?
    let registrations: RegisteredModels
    let fetcher: ModelListFetcher
    let heartbeatInterval: Duration
    /// Warns once per node reached over plain HTTP across the network (the node token goes there).
    let plaintext = PlaintextWarning()

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        let group = router.group("v0/nodes").add(middleware: auth)
        group.post(use: register)
        group.post(":id/heartbeat", use: heartbeat)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> NodeRegistrationReply {
        let registration = try await request.decode(as: NodeRegistration.self, context: context)
        guard let url = URL(string: registration.url), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil else {
            throw OpenAIError.invalidRequest("'url' must be an http(s) URL.", param: "url")
        }
        let nodeURL = registration.url.hasSuffix("/") ? String(registration.url.dropLast()) : registration.url
        var normalized = registration
        normalized.url = nodeURL
        let models = try await fetcher.fetch(from: nodeURL, logger: context.logger)
        guard !models.isEmpty else { throw NodeRegistrationError.noExecutableModels }
        let storedID = try? await store?.id(forURL: nodeURL)
        let id = await registry.register(normalized, models: models, storedID: storedID)
        plaintext.check(url: nodeURL, peer: "node '\(registration.name)'", secret: "The node token", logger: context.logger)
        context.logger.info("node registered", metadata: ["node.id": "\(id)", "node.name": "\(registration.name)", "models": "\(models.count)"])
        return NodeRegistrationReply(nodeID: id, models: models, heartbeatIntervalSeconds: heartbeatInterval.seconds)
    }

    /// Records the heartbeat and the node's download reports; answers with the version of the
    /// registered-model list so the agent knows when to sync.
    @Sendable func heartbeat(_ request: Request, context: Context) async throws -> NodeHeartbeatReply {
        let nodeID = try context.parameters.require("id")
        let beat = try await request.decode(as: NodeHeartbeat.self, context: context)
        switch await registry.heartbeat(nodeID: nodeID, beat, lookingIn: store) {
        case .unknownNode:
            throw OpenAIError(status: .notFound, message: "Unknown node; register again.", type: "invalid_request_error", code: "unknown_node")
        case .current:
            break
        case .refreshModels(let url):
            let models = try await fetcher.fetch(from: url, logger: context.logger)
            await registry.updateModels(nodeID: nodeID, models: models)
            context.logger.info("node models refreshed", metadata: ["node.id": "\(nodeID)", "models": "\(models.count)"])
        }
        await registrations.record(nodeID: nodeID, beat.downloads ?? [])
        store?.database.announce(.heartbeat(nodeID: nodeID, beat: beat))  // to the other replicas, if any
        return NodeHeartbeatReply(registrationsVersion: await registrations.list.version)
    }
}
