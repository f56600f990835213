import Foundation
import PostgresNIO
import Shared
import Testing

@testable import SwitchyardRouter

/// Every store on the storage seam behaves the same on SQLite and on PostgreSQL: the same SQL,
/// the same answers.
@Suite(.serialized) struct StorageSeamTests {
    @Test(arguments: StorageKind.available) func nodesRoundTripInTheirWritesOrder(_ kind: StorageKind) async throws {
        try await kind.withStorage { (database: any RouterStorage) async throws in
            let store = NodeStore(database: database)
            var node = Node(
                id: "n1",
                url: "http://a",
                name: "a",
                instanceID: "i",
                backend: "cuda",
                devices: ["GPU 0"],
                capacity: 2,
                models: ["m", "n"]
            )
            node.excluded = ["n"]
            node.exclusionNotes = ["n": ExclusionNote(reason: "failed", at: 1_700_000_000)]
            node.endpoint = EndpointSettings(apiKey: nil, allowedModels: ["m"], serverType: .vllm)
            store.save(node)  // queued: the reads below come after it
            #expect(try await store.all() == [node])
            node.models = ["m"]
            store.save(node)
            #expect(try await store.node(id: "n1") == node)
            #expect(try await store.id(forURL: "http://a") == "n1")
            // Another ID at the same URL (a registration race between replicas) replaces it.
            store.save(Node(id: "n2", url: "http://a", name: "a", instanceID: "j", backend: "cpu", devices: [], capacity: 1, models: ["m"]))
            #expect(try await store.all().map(\.id) == ["n2"])
            store.delete(id: "n2")
            #expect(try await store.all().isEmpty)
        }
    }

    @Test(arguments: StorageKind.available) func keysSecretsAndSessions(_ kind: StorageKind) async throws {
        try await kind.withStorage { (database: any RouterStorage) async throws in
            let keys = try await APIKeyStore(database: database)
            let (key, secret) = try await keys.create(name: "ci", admin: true)
            #expect(await keys.isAdmin(secret))
            let listed = try await keys.list()
            #expect(listed.map(\.id) == [key.id] && listed[0].admin && listed[0].revokedAt == nil)
            #expect(abs(listed[0].createdAt.timeIntervalSince(key.createdAt)) < 0.01)
            #expect(try await keys.revoke(id: key.id))
            #expect(try await !keys.revoke(id: key.id), "a key is revoked once")
            #expect(await !keys.isValid(secret))
            #expect(try await keys.list().first?.revokedAt != nil)

            let first = try await RouterSecrets.load(database: database, adminKey: nil, nodeToken: nil)
            let second = try await RouterSecrets.load(database: database, adminKey: nil, nodeToken: nil)
            #expect(first.generated.count == 2 && second.generated.isEmpty)
            #expect(second.adminKeyHash == first.adminKeyHash && second.nodeToken == first.nodeToken)

            // A session opened here is found by another process on the same database.
            let (token, csrf) = try await DashboardSessions(database: database).open()
            let elsewhere = DashboardSessions(database: database)
            #expect(await elsewhere.session(for: token)?.csrf == csrf)
            await elsewhere.close(token)
            #expect(await DashboardSessions(database: database).session(for: token) == nil)
        }
    }

    @Test(arguments: StorageKind.available) func registeredModelsAndTheRequestLog(_ kind: StorageKind) async throws {
        try await kind.withStorage { (database: any RouterStorage) async throws in
            let models = RegisteredModelStore(database: database)
            #expect(try await models.insert(ModelLifecycleTests.model))
            #expect(try await !models.insert(ModelLifecycleTests.model), "the ID is taken")
            #expect(try await models.all() == [ModelLifecycleTests.model])
            try await models.delete(id: ModelLifecycleTests.model.id)
            #expect(try await models.all().isEmpty)

            var log = RequestLogStore(database: database)
            log.maximumRows = 100
            let records = (0..<250).map { index in
                RequestRecord(
                    at: 1_800_000_000 + Double(index),
                    model: "m",
                    nodeID: index.isMultiple(of: 2) ? "n" : nil,
                    status: 200,
                    code: nil,
                    latencyMs: 1.5,
                    firstByteMs: index.isMultiple(of: 3) ? 0.5 : nil,
                    promptTokens: index,
                    completionTokens: nil
                )
            }
            try await log.append(records)
            #expect(try await log.recent(limit: 3) == Array(records.suffix(3).reversed()))
            try await log.prune(now: Date(timeIntervalSince1970: 1_800_000_000))
            #expect(try await log.recent(limit: 1000).count == 100)
        }
    }

    @Test func placeholdersOutsideLiteralsAreNumberedForPostgreSQL() {
        let statement = SQLStatement(#"SELECT '?', ?, "a?b", ? FROM t WHERE x = 'it''s?'"#, [1, "two"])
        #expect(statement.postgresQuery.sql == #"SELECT '?', $1, "a?b", $2 FROM t WHERE x = 'it''s?'"#)
    }

    @Test func sqliteDatesAreReadAsUTC() throws {
        let date = try #require(SQLRow.sqliteDate("2026-12-07 06:30:00.250"))
        #expect(date.timeIntervalSince1970 == 1_796_625_000.25)
        #expect(SQLRow.sqliteDate("yesterday") == nil)
    }
}
