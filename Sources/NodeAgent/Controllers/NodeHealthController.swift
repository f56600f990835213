import Hummingbird
import Shared

/// `GET /v0/health`: status, instance ID, in-flight count and capacity. Needs no token.
struct NodeHealthController<Context: RequestContext> {
    let state: AgentState

    func addRoutes(to router: Router<Context>) {
        router.get("v0/health", use: health)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> NodeHealth {
        NodeHealth(status: "ok", instanceID: state.instanceID, inFlight: await state.inFlight, capacity: state.capacity)
    }
}
