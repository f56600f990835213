import Foundation

/// Nodes in the router's database, so a restart loses no node, model list or exclusion, and
/// replicas share them. Liveness (last heartbeat, in-flight counts) is deliberately not
/// stored: a restored node is routable only once it has been heard from again.
struct NodeStore: Sendable {
    let database: any RouterStorage

    func all() async throws -> [Node] {
        try await database.query("SELECT * FROM node ORDER BY id").map(Self.node)
    }

    /// The stored node with this ID, if any.
    func node(id: String) async throws -> Node? {
        try await database.query("SELECT * FROM node WHERE id = ?", [id]).first.map(Self.node)
    }

    /// The ID of the stored node at this URL (registered through another replica), if any.
    func id(forURL url: String) async throws -> String? {
        try await database.query("SELECT id FROM node WHERE url = ?", [url]).first?.string("id")
    }

    /// Inserts or updates a node, in the background but in order with the other writes. A
    /// stale row at the same URL (another replica's, from a registration race) gives way.
    func save(_ node: Node) {
        let columns = "id, url, name, instance_id, backend, devices, capacity, models, excluded, exclusion_notes, engine, endpoint"
        let updates = columns.split(separator: ",").dropFirst().map { "\($0.trimmingCharacters(in: .whitespaces))" }
        let values: [any SQLBindable] = [
            node.id, node.url, node.name, node.instanceID, node.backend, Self.json(node.devices), node.capacity,
            Self.json(node.models.sorted()), Self.json(node.excluded.sorted()), Self.json(node.exclusionNotes),
            node.engine, node.endpoint.map(Self.json),
        ]
        database.submit(
            [
                SQLStatement("DELETE FROM node WHERE url = ? AND id <> ?", [node.url, node.id]),
                SQLStatement(
                    """
                    INSERT INTO node (\(columns)) VALUES (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))
                    ON CONFLICT (id) DO UPDATE SET \(updates.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                    """,
                    values
                ),
            ],
            announcing: .node(id: node.id)
        )
    }

    func delete(id: String) {
        database.submit([SQLStatement("DELETE FROM node WHERE id = ?", [id])], announcing: .node(id: id))
    }

    private static func node(_ row: SQLRow) throws -> Node {
        Node(
            id: try row.string("id"),
            url: try row.string("url"),
            name: try row.string("name"),
            instanceID: try row.string("instance_id"),
            backend: try row.string("backend"),
            devices: try row.json([String].self, "devices"),
            capacity: try row.int("capacity"),
            engine: try row.optionalString("engine"),
            models: try row.json(Set<String>.self, "models"),
            excluded: try row.json(Set<String>.self, "excluded"),
            exclusionNotes: try row.json([String: ExclusionNote].self, "exclusion_notes"),
            endpoint: try row.optionalString("endpoint").map { try JSONDecoder().decode(EndpointSettings.self, from: Data($0.utf8)) }
        )
    }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
