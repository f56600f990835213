import Foundation
import Hummingbird
import Logging
import Shared

/// API keys (admin credentials): `POST /v0/keys` `{"name": …, "admin": false}` creates one
/// (an admin key also opens the admin API and the dashboard) and shows its secret once; `GET /v0/keys` lists them (never with secrets); `DELETE /v0/keys/{id}` revokes.
struct AdminKeysController<Context: RequestContext> {
    let keys: APIKeyStore

    struct CreateRequest: Decodable {
        var name: String
        var admin: Bool?
    }

    /// A key as the API shows it: never its secret or hash.
    struct KeyView: Codable, Sendable {
        var id: String
        var name: String
        var prefix: String
        var admin: Bool
        /// Unix seconds, as OpenAI's documents give times.
        var createdAt: Int
        var revokedAt: Int?

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, admin
            case createdAt = "created_at"
            case revokedAt = "revoked_at"
        }

        init(_ key: APIKeyStore.Key) {
            (id, name, prefix, admin) = (key.id, key.name, key.prefix, key.admin)
            createdAt = Int(key.createdAt.timeIntervalSince1970)
            revokedAt = key.revokedAt.map { Int($0.timeIntervalSince1970) }
        }
    }

    struct Created: ResponseEncodable, Sendable {
        var key: KeyView
        /// The key to give to clients; shown only in this answer.
        var secret: String
    }

    struct KeyList: ResponseEncodable, Sendable {
        var keys: [KeyView]
    }

    func addRoutes(to router: Router<Context>, protectedBy auth: some RouterMiddleware<Context>) {
        router.group("v0/keys").add(middleware: auth)
            .post(use: create)
            .get(use: list)
            .delete(":id", use: revoke)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Created> {
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw OpenAIError.invalidRequest("'name' must be 1 to 200 characters.", param: "name")
        }
        let created = try await keys.create(name: name, admin: body.admin ?? false)
        context.logger.info("API key created", metadata: ["key.id": "\(created.key.id)", "key.name": "\(name)", "key.admin": "\(created.key.admin)"])
        return EditedResponse(status: .created, response: Created(key: KeyView(created.key), secret: created.secret))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> KeyList {
        KeyList(keys: try await keys.list().map(KeyView.init))
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> HTTPResponse.Status {
        let id = try context.parameters.require("id")
        guard try await keys.revoke(id: id) else {
            throw OpenAIError(status: .notFound, message: "No active key '\(id)'.", type: "invalid_request_error", code: "key_not_found")
        }
        context.logger.info("API key revoked", metadata: ["key.id": "\(id)"])
        return .noContent
    }
}
