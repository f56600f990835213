import AsyncHTTPClient
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Shared
import Testing

@testable import SwitchyardRouter

/// Inference API keys through the admin API: created (secret shown once), accepted on /v1,
/// listed without secrets, revoked.
@Suite struct APIKeyTests {
    @Test func keyLifecycle() async throws {
        let database = try RouterDatabase.inMemory()
        let keys = try await APIKeyStore(database: database)
        let secrets = RouterSecrets(adminKeyHash: RouterSecrets.hash("admin"), nodeToken: "node", generated: [])
        let configuration = RouterConfiguration(dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        let registry = NodeRegistry(settings: RegistrySettings())
        let router = buildRouter(
            configuration,
            secrets: secrets,
            registry: registry,
            registrations: RegisteredModels(store: nil),
            keys: keys,
            client: .shared,
            forwarder: UpstreamForwarder(client: UpstreamClient()),
            hub: HubClient(client: .shared, settings: HubSettings())
        )
        try await Application(router: router).test(.router) { client in
            let admin: HTTPFields = [.authorization: "Bearer admin"]
            let created = try await client.execute(uri: "/v0/keys", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"ci"}"#))
            #expect(created.status == .created)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])
            let secret = try #require(document["secret"] as? String)
            let id = try #require((document["key"] as? [String: Any])?["id"] as? String)

            let withKey: HTTPFields = [.authorization: "Bearer \(secret)"]
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: withKey).status == .ok)
            #expect(try await client.execute(uri: "/v0/nodes", method: .get, headers: withKey).status == .unauthorized, "keys are not admin")

            let listed = try await client.execute(uri: "/v0/keys", method: .get, headers: admin)
            let text = String(buffer: listed.body)
            #expect(text.contains("\"ci\"") && !text.contains(secret) && !text.contains(RouterSecrets.hash(secret)))
            let stored = try await database.queue.read { try String.fetchAll($0, sql: "SELECT hash FROM api_key") }
            #expect(stored == [RouterSecrets.hash(secret)], "only the hash is stored")

            #expect(try await client.execute(uri: "/v0/keys/\(id)", method: .delete, headers: admin).status == .noContent)
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: withKey).status == .unauthorized)
            #expect(try await client.execute(uri: "/v0/keys/\(id)", method: .delete, headers: admin).status == .notFound)
            let blank = try await client.execute(uri: "/v0/keys", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"  "}"#))
            #expect(blank.status == .badRequest)

            let operator_ = try await client.execute(
                uri: "/v0/keys",
                method: .post,
                headers: admin,
                body: ByteBuffer(string: #"{"name":"ops","admin":true}"#)
            )
            let adminSecret = try #require(
                (try JSONSerialization.jsonObject(with: Data(buffer: operator_.body)) as? [String: Any])?["secret"] as? String
            )
            let withAdminKey: HTTPFields = [.authorization: "Bearer \(adminSecret)"]
            #expect(try await client.execute(uri: "/v0/nodes", method: .get, headers: withAdminKey).status == .ok, "admin keys open the admin API")
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: withAdminKey).status == .ok)
            let login = try await client.execute(uri: "/dashboard/login", method: .post, body: ByteBuffer(string: #"{"key":"\#(adminSecret)"}"#))
            #expect(login.status == .ok, "admin keys log in to the dashboard")
            #expect(login.headers[.setCookie]?.contains("HttpOnly") == true && login.headers[.setCookie]?.contains("SameSite=Strict") == true)
        }
    }
}
