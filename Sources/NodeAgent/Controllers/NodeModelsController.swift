import Hummingbird
import Shared

/// `GET /v1/models` (executable models only, OpenAI shape) and `GET /v0/models` (every local
/// model with its verdict).
struct NodeModelsController<Context: RequestContext> {
    let state: AgentState
    /// The detection report (with the engine's target) the verdicts were judged against.
    let report: DetectionReport
    let startedAt: Int

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v1").add(middleware: auth).get("models", use: list)
        router.group("v0").add(middleware: auth).get("models", use: verdicts).post("models/rescan", use: rescan)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ModelList {
        let ids = await state.executableModelIDs
        return ModelList(data: ids.map { ModelList.Model(id: $0, created: startedAt, ownedBy: "switchyard-agent") })
    }

    @Sendable func rescan(_ request: Request, context: Context) async throws -> ModelVerdicts {
        await state.rescan()
        return ModelVerdicts(report: report, verdicts: await state.verdicts)
    }

    @Sendable func verdicts(_ request: Request, context: Context) async throws -> ModelVerdicts {
        ModelVerdicts(report: report, verdicts: await state.verdicts)
    }
}
