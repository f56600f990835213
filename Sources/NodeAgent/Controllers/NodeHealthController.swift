import Hummingbird
import Shared

/// `GET /v0/health`: status, instance ID, in-flight count and capacity. Needs no token.
struct NodeHealthController<Context: RequestContext> {
    let state: AgentState
    /// Whose checked-out engines are the node's requests in flight.
    let engines: EnginePool

    func addRoutes(to router: Router<Context>) {
        router.get("v0/health", use: health)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> NodeHealth {
        NodeHealth(status: "ok", instanceID: state.instanceID, inFlight: await engines.inFlight, capacity: state.capacity)
    }
}
