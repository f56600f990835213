import Hummingbird
import Shared

/// `GET /v0/system` (node token required): the detection report the agent started with, what
/// its engine can run on, and which engine sits on which device now.
struct SystemController<Context: RequestContext> {
    let report: DetectionReport
    let engines: EnginePool

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v0").add(middleware: auth).get("system") { _, _ in
            var report = report
            (report.runningEngines, report.deviceMemory) = await engines.placements
            return report
        }
    }
}

extension DetectionReport: ResponseEncodable {}
