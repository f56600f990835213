import Foundation
import GRDB

/// Nodes in the router's database, so a restart loses no node, model list or exclusion.
/// Liveness (last heartbeat, in-flight counts) is deliberately not stored: a restored node is
/// routable only once it has been heard from again.
struct NodeStore: Sendable {
    let database: DatabaseQueue

    private struct Record: Codable, FetchableRecord, PersistableRecord {
        static let databaseTableName = "node"
        var id: String
        var url: String
        var name: String
        var instanceID: String
        var backend: String
        var devices: [String]
        var capacity: Int
        var models: [String]
        var excluded: [String]

        enum CodingKeys: String, CodingKey {
            case id, url, name, backend, devices, capacity, models, excluded
            case instanceID = "instance_id"
        }
    }

    /// Every stored node.
    func all() throws -> [Node] {
        try database.read { db in
            try Record.fetchAll(db).map { record in
                Node(
                    id: record.id,
                    url: record.url,
                    name: record.name,
                    instanceID: record.instanceID,
                    backend: record.backend,
                    devices: record.devices,
                    capacity: record.capacity,
                    models: Set(record.models),
                    excluded: Set(record.excluded)
                )
            }
        }
    }

    /// Inserts or updates a node.
    func save(_ node: Node) throws {
        let record = Record(
            id: node.id,
            url: node.url,
            name: node.name,
            instanceID: node.instanceID,
            backend: node.backend,
            devices: node.devices,
            capacity: node.capacity,
            models: node.models.sorted(),
            excluded: node.excluded.sorted()
        )
        try database.write { try record.save($0) }
    }

    /// Removes a node.
    func delete(id: String) throws {
        _ = try database.write { try Record.deleteOne($0, key: id) }
    }
}
