import Foundation
import GRDB
import Shared

/// Registered models in the router's database, each stored as its manifest document.
struct RegisteredModelStore: Sendable {
    let database: DatabaseQueue

    func all() throws -> [RegisteredModel] {
        let documents = try database.read { try String.fetchAll($0, sql: "SELECT document FROM registered_model ORDER BY id") }
        return try documents.map { try Self.decoder.decode(RegisteredModel.self, from: Data($0.utf8)) }
    }

    /// Inserts a registration; fails when one with the same ID exists.
    func insert(_ model: RegisteredModel) throws {
        let document = String(decoding: try Self.encoder.encode(model), as: UTF8.self)
        try database.write { try $0.execute(sql: "INSERT INTO registered_model (id, document) VALUES (?, ?)", arguments: [model.id, document]) }
    }

    func delete(id: String) throws {
        try database.write { try $0.execute(sql: "DELETE FROM registered_model WHERE id = ?", arguments: [id]) }
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()
}
