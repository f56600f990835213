import Foundation
import GRDB

/// Nodes in the router's database, so a restart loses no node, model list or exclusion.
/// Liveness (last heartbeat, in-flight counts) is deliberately not stored: a restored node is
/// routable only once it has been heard from again.
struct NodeStore: Sendable {
    let database: DatabaseQueue

    func all() throws -> [Node] {
        try database.read { try Node.fetchAll($0) }
    }

    /// Inserts or updates a node.
    func save(_ node: Node) throws {
        try database.write { try node.save($0) }
    }

    func delete(id: String) throws {
        _ = try database.write { try Node.deleteOne($0, key: id) }
    }
}
