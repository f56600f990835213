import Hummingbird
import Shared

/// `GET /v0/health`: status, instance ID, in-flight count and capacity. Needs no token. From the
/// moment a graceful shutdown begins it answers 503 with status `draining`.
struct NodeHealthController<Context: RequestContext> {
    let state: AgentState
    /// Whose checked-out engines are the node's requests in flight.
    let engines: EnginePool
    let readiness: ServerReadiness

    func addRoutes(to router: Router<Context>) {
        router.get("v0/health", use: health)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> EditedResponse<NodeHealth> {
        let draining = await readiness.isDraining
        let health = NodeHealth(
            status: draining ? "draining" : "ok",
            instanceID: state.instanceID,
            inFlight: await engines.inFlight,
            capacity: state.capacity
        )
        return EditedResponse(status: draining ? .serviceUnavailable : .ok, response: health)
    }
}
