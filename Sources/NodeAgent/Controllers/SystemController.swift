import Hummingbird
import Shared

/// `GET /v0/system`: the detection report the agent started with (node token required).
struct SystemController<Context: RequestContext> {
    let report: DetectionReport

    func addRoutes(to router: Router<Context>, protectedBy auth: BearerAuthMiddleware<Context>) {
        router.group("v0").add(middleware: auth).get("system") { _, _ in report }
    }
}

extension DetectionReport: ResponseEncodable {}
