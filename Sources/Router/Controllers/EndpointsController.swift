import Foundation
import Hummingbird
import Logging
import Shared

/// The admin surface for endpoints (admin key): `POST /v0/endpoints` registers an
/// OpenAI-compatible server without an agent (its `/v1/models` pulled as for an agent: 422
/// `model_list_unavailable` or `no_executable_models` when that fails), `GET /v0/endpoints`
/// lists them and `DELETE /v0/endpoints/{id}` removes one. Answers are node views: the
/// endpoint's API key is never in one.
struct EndpointsController<Context: RequestContext> {
    let registry: NodeRegistry
    let fetcher: ModelListFetcher
    let detection: ServerDetection
    /// Warns once per endpoint whose API key would cross the network in clear.
    let plaintext = PlaintextWarning()

    struct EndpointListView: ResponseEncodable, Sendable {
        var endpoints: [NodeView]
    }

    func addRoutes(to router: Router<Context>, protectedBy auth: some RouterMiddleware<Context>) {
        router.group("v0/endpoints").add(middleware: auth)
            .post(use: register)
            .get(use: list)
            .delete(":id", use: remove)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> EditedResponse<NodeView> {
        let registration: EndpointRegistration
        do {
            registration = try await request.decode(as: EndpointRegistration.self, context: context)
        } catch {
            throw OpenAIError.invalidRequest("The body must be a JSON object with at least 'url'.")
        }
        let (url, credential) = try registration.validated()
        let listed = try await fetcher.fetch(from: url, credential: credential, logger: context.logger)
        let finding = await detection.detect(url, credential: credential, logger: context.logger)
        let settings = EndpointSettings(apiKey: registration.apiKey, allowedModels: registration.models, serverType: finding.type)
        let models = settings.routable(listed)
        guard !models.isEmpty else { throw NodeRegistrationError.noExecutableModels }
        let name = registration.name ?? URLComponents(string: url)?.host ?? url
        let id = await registry.registerEndpoint(
            url: url,
            name: name,
            capacity: registration.capacity ?? finding.slots ?? 4,
            settings: settings,
            models: models
        )
        if registration.apiKey != nil {
            plaintext.check(url: url, peer: "endpoint '\(name)'", secret: "The endpoint's API key", logger: context.logger)
        }
        context.logger.info("endpoint registered", metadata: ["node.id": "\(id)", "type": "\(finding.type.rawValue)", "models": "\(models.count)"])
        guard let status = await registry.node(id) else { throw AdminNodesController<Context>.unknownNode(id) }
        return EditedResponse(status: .created, response: NodeView(status))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> EndpointListView {
        EndpointListView(endpoints: await registry.snapshot().filter { $0.node.endpoint != nil }.map(NodeView.init))
    }

    @Sendable func remove(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id")
        guard await registry.node(id)?.node.endpoint != nil, await registry.remove(nodeID: id) else {
            throw AdminNodesController<Context>.unknownNode(id)
        }
        return .noContent
    }
}
