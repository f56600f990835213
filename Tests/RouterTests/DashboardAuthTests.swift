import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Shared
import Testing

@testable import SwitchyardRouter

/// The dashboard's login: a session cookie that is HttpOnly and SameSite=Strict, a CSRF token
/// required for every state-changing admin request made with it, and logout ending it.
@Suite struct DashboardAuthTests {
    /// A router with the admin key `admin`, driven in process.
    func withRouter(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = buildRouter(
            RouterConfiguration(dataDirectory: URL(fileURLWithPath: "/nonexistent")),
            secrets: RouterSecrets(adminKeyHash: RouterSecrets.hash("admin"), nodeToken: "node", generated: []),
            registry: NodeRegistry(settings: RegistrySettings()),
            registrations: RegisteredModels(store: nil),
            keys: try await APIKeyStore(database: RouterDatabase.inMemory()),
            client: .shared,
            forwarder: UpstreamForwarder(client: UpstreamClient()),
            hub: HubClient(client: .shared, settings: HubSettings())
        )
        try await Application(router: router).test(.router, test)
    }

    @Test func sessionsNeedTheirCSRFTokenToChangeAnything() async throws {
        try await withRouter { client in
            let page = try await client.execute(uri: "/dashboard", method: .get)
            #expect(page.status == .ok && String(buffer: page.body).contains("<title>Switchyard dashboard</title>"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(try await client.execute(uri: "/dashboard/api/snapshot", method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: "/dashboard/login", method: .post, body: ByteBuffer(string: #"{"key":"nope"}"#)).status == .unauthorized
            )

            let login = try await client.execute(uri: "/dashboard/login", method: .post, body: ByteBuffer(string: #"{"key":"admin"}"#))
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let csrf = try #require((try JSONSerialization.jsonObject(with: Data(buffer: login.body)) as? [String: Any])?["csrf"] as? String)
            let session: HTTPFields = [.cookie: cookie]
            #expect(try await client.execute(uri: "/dashboard/api/snapshot", method: .get, headers: session).status == .ok)
            #expect(try await client.execute(uri: "/v0/nodes", method: .get, headers: session).status == .ok)

            let register = ByteBuffer(string: #"{"repo":"not a repo!"}"#)
            let forged = try await client.execute(uri: "/v0/models/register", method: .post, headers: session, body: register)
            #expect(forged.status == .forbidden, "a cookie alone cannot change state")
            var withToken = session
            withToken[.csrfToken] = csrf
            let allowed = try await client.execute(uri: "/v0/models/register", method: .post, headers: withToken, body: register)
            #expect(allowed.status == .badRequest, "with the token the request reaches the handler")
            withToken[.csrfToken] = "x" + csrf.dropFirst()
            #expect(try await client.execute(uri: "/v0/models/register", method: .post, headers: withToken, body: register).status == .forbidden)

            #expect(try await client.execute(uri: "/dashboard/logout", method: .post, headers: session).status == .noContent)
            #expect(try await client.execute(uri: "/dashboard/api/snapshot", method: .get, headers: session).status == .unauthorized)
        }
    }

    @Test func guessingTheKeyIsRefusedAfterTenFailures() async throws {
        try await withRouter { client in
            let wrong = ByteBuffer(string: #"{"key":"guess"}"#)
            for _ in 0..<10 {
                #expect(try await client.execute(uri: "/dashboard/login", method: .post, body: wrong).status == .unauthorized)
            }
            let refused = try await client.execute(uri: "/dashboard/login", method: .post, body: ByteBuffer(string: #"{"key":"admin"}"#))
            #expect(refused.status == .tooManyRequests, "even the right key waits: the guess is not checked")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }
}
