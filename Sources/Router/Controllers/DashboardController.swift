import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Shared

/// The web dashboard (`/dashboard`): its page and assets, login and logout with the admin key
/// (a session in an `HttpOnly`, `SameSite=Strict` cookie plus a CSRF token), a JSON snapshot of
/// the fleet, and the same snapshot live as server-sent events. The page's actions use the admin
/// API with the session.
struct DashboardController<Context: ConnectionAwareRequestContext> {
    let assets: DashboardAssets
    let sessions: DashboardSessions
    let isAdminKey: @Sendable (String) async -> Bool
    let snapshot: @Sendable () async -> DashboardSnapshot
    /// Failed logins, to refuse guessing.
    var throttle = LoginThrottle()
    /// How often the live stream sends a snapshot.
    var interval: Duration = .seconds(2)

    struct Login: Decodable { var key: String }

    struct SessionInfo: ResponseEncodable { var csrf: String }

    func addRoutes(to router: Router<Context>, admin: some RouterMiddleware<Context>) {
        router.get("dashboard") { _, _ in try self.asset("index.html") }
        router.get("dashboard/:asset") { _, context in try self.asset(try context.parameters.require("asset")) }
        router.post("dashboard/login", use: login)
        router.post("dashboard/logout", use: logout)
        router.get("dashboard/session", use: session)
        router.group("dashboard/api").add(middleware: admin)
            .get("snapshot") { _, _ in await self.snapshot() }
            .get("events", use: events)
    }

    func asset(_ name: String) throws -> Response {
        guard let response = assets.response(for: name) else { throw OpenAIError.routeNotFound("/dashboard/\(name)") }
        return response
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let address = context.remoteAddress
        if let wait = await throttle.refusal(for: address) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            context.logger.warning("dashboard login throttled", metadata: ["retry_after": "\(seconds)"])
            throw OpenAIError(
                status: .tooManyRequests,
                message: "Too many failed logins: try again in \(seconds) s.",
                type: "rate_limit_error",
                code: "too_many_logins",
                retryAfter: seconds
            )
        }
        let login = try await request.decode(as: Login.self, context: context)
        guard await isAdminKey(login.key) else {
            await throttle.failed(address)
            try await Task.sleep(for: .milliseconds(300))  // slows down guessing
            context.logger.warning("dashboard login refused")
            throw OpenAIError.invalidAPIKey()
        }
        await throttle.succeeded(address)
        let (token, csrf) = try await sessions.open()
        var response = try SessionInfo(csrf: csrf).response(from: request, context: context)
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        response.setCookie(
            Cookie(name: DashboardSessions.cookieName, value: token, maxAge: 12 * 3600, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
        )
        context.logger.info("dashboard login")
        return response
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        if let token = request.cookies[DashboardSessions.cookieName]?.value { await sessions.close(token) }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: DashboardSessions.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    /// The session's CSRF token (the page asks on load whether it is logged in).
    @Sendable func session(_ request: Request, context: Context) async throws -> SessionInfo {
        guard let token = request.cookies[DashboardSessions.cookieName]?.value, let session = await sessions.session(for: token) else {
            throw OpenAIError.invalidAPIKey()
        }
        return SessionInfo(csrf: session.csrf)
    }

    /// A snapshot every `interval` as `event: snapshot`, for five minutes (the browser reconnects).
    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        let body = ResponseBody { writer in
            let until = ContinuousClock.now + .seconds(300)
            let encoder = JSONEncoder()
            // A client that left fails the next write, which ends the stream; a router that
            // drains ends it (the page reconnects, to another router behind a load balancer).
            while ContinuousClock.now < until && !Task.isShuttingDownGracefully {
                let json = try encoder.encode(await self.snapshot())
                try await writer.write(ByteBuffer(string: "event: snapshot\ndata: \(String(decoding: json, as: UTF8.self))\n\n"))
                try await Task.sleep(for: self.interval)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body
        )
    }
}
