import GRDB
import Testing

@testable import SwitchyardRouter

@Suite struct RouterSecretsTests {
    @Test func secretsMatchOnlyTheirOwnHash() {
        let hash = RouterSecrets.hash("the-admin-key")
        #expect(RouterSecrets.matches("the-admin-key", hash: hash))
        for wrong in ["the-admin-kez", "", "the-admin-key ", "THE-ADMIN-KEY"] { #expect(!RouterSecrets.matches(wrong, hash: hash)) }
        // A stored hash of another length (or none) never matches.
        #expect(!RouterSecrets.matches("the-admin-key", hash: String(hash.dropLast())))
        #expect(!RouterSecrets.matches("", hash: ""))
    }

    @Test func generatedOnceAndOnlyTheAdminKeyHashIsStored() async throws {
        let database = try RouterDatabase.inMemory()
        let first = try await RouterSecrets.load(database: database, adminKey: nil, nodeToken: nil)
        #expect(first.generated.count == 2)
        let adminKey = try #require(first.generated.first?.value)
        #expect(RouterSecrets.hash(adminKey) == first.adminKeyHash)
        let stored = try await database.queue.read { try String.fetchAll($0, sql: "SELECT value FROM setting") }
        #expect(!stored.contains(adminKey))

        let second = try await RouterSecrets.load(database: database, adminKey: nil, nodeToken: nil)
        #expect(second.generated.isEmpty)
        #expect(second.adminKeyHash == first.adminKeyHash)
        #expect(second.nodeToken == first.nodeToken)
    }

    @Test func environmentValuesWin() async throws {
        let database = try RouterDatabase.inMemory()
        let secrets = try await RouterSecrets.load(database: database, adminKey: "admin", nodeToken: "node")
        #expect(secrets.generated.isEmpty)
        #expect(secrets.adminKeyHash == RouterSecrets.hash("admin"))
        #expect(secrets.nodeToken == "node")
    }
}
