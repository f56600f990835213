import GRDB

/// Nodes are stored as they are (sets as JSON arrays); live state is not part of `Node`.
extension Node: FetchableRecord, PersistableRecord {
    static let databaseTableName = "node"
}
