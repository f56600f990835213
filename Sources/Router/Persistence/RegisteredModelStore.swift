import Foundation
import Shared

/// Registered models in the router's database, each stored as its manifest document.
struct RegisteredModelStore: Sendable {
    let database: any RouterStorage

    func all() async throws -> [RegisteredModel] {
        try await database.query("SELECT document FROM registered_model ORDER BY id").map { try $0.json(RegisteredModel.self, "document") }
    }

    /// Inserts a registration; false when one with the same ID exists (perhaps registered
    /// through another replica).
    func insert(_ model: RegisteredModel) async throws -> Bool {
        let document = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        let inserted = try await database.transaction(
            [
                SQLStatement(
                    "INSERT INTO registered_model (id, document) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
                    [model.id, document]
                )
            ],
            announcing: .registeredModels
        )
        return !inserted.isEmpty
    }

    func delete(id: String) async throws {
        _ = try await database.transaction([SQLStatement("DELETE FROM registered_model WHERE id = ?", [id])], announcing: .registeredModels)
    }
}
