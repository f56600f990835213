import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two router replicas over one PostgreSQL database serve one fleet: whatever changes through
/// one (nodes, exclusions, keys, registered models, dashboard sessions) is seen through the
/// other within a second, a node gone quiet is offline on both, and replicas starting together
/// on a new database migrate it once.
@Suite(.serialized, .enabled(if: TestPostgres.shouldRun, "needs the engine, models and the tests' PostgreSQL from scripts/test.sh"))
struct ReplicaTests {
    struct NodeList: Decodable {
        struct Node: Decodable {
            var id: String
            var name: String
            var state: String
            var excludedModels: [String]
        }
        var nodes: [Node]
    }

    struct Hub: Decodable {
        struct Model: Decodable { var id: String }
        var models: [Model]
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func nodes(_ fleet: Fleet, at replica: String) async throws -> [NodeList.Node] {
        try decoder.decode(NodeList.self, from: Data(try await fleet.call(.GET, "/v0/nodes", at: replica).body.utf8)).nodes
    }

    static func models(_ fleet: Fleet, at replica: String) async throws -> Set<String> {
        let (status, body) = try await fleet.call(.GET, "/v1/models", at: replica)
        guard status == 200 else { return [] }
        return Set(try JSONDecoder().decode(ModelListDocument.self, from: Data(body.utf8)).data.map(\.id))
    }

    /// A change made through one replica must reach the other this soon (DESIGN: about a second).
    static let propagation = Duration.seconds(1)

    /// A running replica.
    struct Replica {
        var process: ManagedProcess
        var url: String
    }

    /// Starts `count` replicas on a new database, one after the other, and runs `body` with
    /// them and the database's URL; stops everything afterwards and prints every log when
    /// `body` throws.
    static func withReplicas(
        _ count: Int = 2,
        routerEnvironment: [String: String] = [:],
        _ body: (Fleet, [Replica], String) async throws -> Void
    ) async throws {
        let fleet = try Fleet(environment: try TestEnvironment.load())
        fleet.routerEnvironment = routerEnvironment
        do {
            let database = try TestPostgres.createDatabase()
            var replicas: [Replica] = []
            for _ in 0..<count {
                let (process, url) = try await fleet.startReplica(database: database)
                replicas.append(Replica(process: process, url: url))
            }
            try await body(fleet, replicas, database)
            await fleet.stop()
        } catch {
            print("end-to-end failure: \(error)\n\(fleet.diagnostics)")
            await fleet.stop()
            throw error
        }
    }

    @Test func nodesKeysAndSessionsChangedThroughOneReplicaAreSeenThroughTheOther() async throws {
        try await Self.withReplicas { fleet, replicas, _ in
            let (a, b) = (replicas[0].url, replicas[1].url)
            // A node registers with A only; B routes to it.
            try await fleet.startAgent(name: "agent", router: a)
            try await fleet.eventually("B lists the node's models", timeout: Self.propagation) {
                try await Self.models(fleet, at: b).contains(TestEnvironment.chatModel)
            }
            let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: chat, at: b).status == 200)
            #expect(try await Self.nodes(fleet, at: b).map(\.state) == ["online"])

            // A key created through A opens B; revoked through B, it closes A at once.
            let created = try await fleet.call(.POST, "/v0/keys", json: #"{"name": "replicated"}"#, at: a)
            let key = try JSONDecoder().decode(CreatedKey.self, from: Data(created.body.utf8))
            try await fleet.eventually("B takes the new key", timeout: Self.propagation) {
                try await fleet.call(.GET, "/v1/models", key: key.secret, at: b).status == 200
            }
            #expect(try await fleet.call(.DELETE, "/v0/keys/\(key.key.id)", at: b).status == 204)
            try await fleet.eventually("A refuses the revoked key", timeout: Self.propagation) {
                try await fleet.call(.GET, "/v1/models", key: key.secret, at: a).status == 401
            }

            // A dashboard login through A holds on B; a logout through B ends it on A.
            let login = try await fleet.send(.POST, "/dashboard/login", json: #"{"key": "\#(fleet.adminKey)"}"#, at: a)
            #expect(login.status == .ok)
            let cookie = try #require(login.headers["set-cookie"].first?.split(separator: ";").first.map(String.init))
            #expect(try await fleet.call(.GET, "/dashboard/session", key: "none", headers: ["cookie": cookie], at: b).status == 200)
            #expect(try await fleet.call(.POST, "/dashboard/logout", key: "none", headers: ["cookie": cookie], at: b).status == 204)
            try await fleet.eventually("A ends the session", timeout: Self.propagation) {
                try await fleet.call(.GET, "/dashboard/session", key: "none", headers: ["cookie": cookie], at: a).status == 401
            }
        }
    }

    @Test func exclusionsAndRegisteredModelsChangedThroughOneReplicaAreSeenThroughTheOther() async throws {
        let hub = try await LocalHub.start()
        defer { hub.stop() }
        await hub.state.add(LocalHub.Repo(id: ModelRegistrationTests.repo, files: [try SmolCache.readme(), try ModelRegistrationTests.smolFile()]))
        try await Self.withReplicas(routerEnvironment: ["HF_ENDPOINT": hub.url]) { fleet, replicas, _ in
            let (a, b) = (replicas[0].url, replicas[1].url)
            // A registered model, through A; its removal, through B.
            let registered = try await fleet.call(.POST, "/v0/models/register", json: #"{"repo": "\#(ModelRegistrationTests.repo)"}"#, at: a)
            #expect(registered.status == 201, "\(registered.body)")
            func hubModels(at replica: String) async throws -> [String] {
                try JSONDecoder().decode(Hub.self, from: Data(try await fleet.call(.GET, "/v0/models/hub", at: replica).body.utf8)).models.map(\.id)
            }
            try await fleet.eventually("B lists the registration", timeout: Self.propagation) {
                try await hubModels(at: b) == [ModelRegistrationTests.repo]
            }
            #expect(try await fleet.call(.DELETE, "/v0/models/\(ModelRegistrationTests.repo)", at: b).status == 204)
            try await fleet.eventually("A drops the registration", timeout: Self.propagation) { try await hubModels(at: a).isEmpty }

            // An endpoint registered through A fails a request there and is excluded; B sees the
            // exclusion, and clearing it through B clears it on A.
            let engine = try await ExternalEngine.start(
                in: fleet,
                serving: TestEnvironment.chatModel,
                extraArguments: ["--alias", TestEnvironment.chatModel]
            )
            let added = try await fleet.call(.POST, "/v0/endpoints", json: #"{"url": "http://127.0.0.1:\#(engine.port)", "name": "external"}"#, at: a)
            #expect(added.status == 201, "\(added.body)")
            try await fleet.eventually("B lists the endpoint's model", timeout: Self.propagation) {
                try await Self.models(fleet, at: b).contains(TestEnvironment.chatModel)
            }
            engine.process.kill()
            let chat = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 4, "messages": [{"role": "user", "content": "Hi"}]}"#
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: chat, at: a).status >= 500)
            let excluded = try #require(try await Self.nodes(fleet, at: a).first)
            #expect(excluded.excludedModels == [TestEnvironment.chatModel])
            try await fleet.eventually("B sees the exclusion", timeout: Self.propagation) {
                try await Self.nodes(fleet, at: b).first?.excludedModels == [TestEnvironment.chatModel]
            }
            #expect(try await fleet.call(.DELETE, "/v0/nodes/\(excluded.id)/exclusions", at: b).status == 200)
            try await fleet.eventually("A sees the exclusion cleared", timeout: Self.propagation) {
                try await Self.nodes(fleet, at: a).first?.excludedModels == []
            }
        }
    }

    @Test func aNodeGoneQuietIsOfflineOnEveryReplica() async throws {
        try await Self.withReplicas { fleet, replicas, _ in
            let (a, b) = (replicas[0].url, replicas[1].url)
            let agent = try await fleet.startAgent(name: "agent", router: a)
            try await fleet.eventually("B sees the node online", timeout: Self.propagation) {
                try await Self.nodes(fleet, at: b).first?.state == "online"
            }
            // Its heartbeats reach A only; B hears of them through the database, and keeps it
            // online as long as they come.
            try await Task.sleep(for: .seconds(2))
            #expect(try await Self.nodes(fleet, at: b).first?.state == "online")
            agent.kill()
            try await fleet.eventually("A sees the node offline", timeout: .seconds(5)) {
                try await Self.nodes(fleet, at: a).first?.state == "offline"
            }
            try await fleet.eventually("B sees it offline too", timeout: Self.propagation) {
                try await Self.nodes(fleet, at: b).first?.state == "offline"
            }
            #expect(try await Self.models(fleet, at: b).isEmpty)
        }
    }

    /// Advisory locks are per database; the cluster holds other tests' too.
    static let thisDatabase = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"

    @Test func replicasStartingTogetherMigrateANewDatabaseOnce() async throws {
        let fleet = try Fleet(environment: try TestEnvironment.load())
        do {
            let database = try TestPostgres.createDatabase()
            // The migrations' advisory lock is held elsewhere while both start, so that both
            // wait for it at once; then it is let go, and they take turns.
            let holder = try fleet.launch(
                name: "lock-holder",
                program: URL(fileURLWithPath: "/usr/bin/psql"),
                arguments: [database, "-qtAX", "-c", "SELECT pg_advisory_lock(6014391775981469698)", "-c", "SELECT pg_sleep(60)"]
            )
            func advisoryLocks(granted: Bool) throws -> Int {
                let sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = \(granted) AND \(Self.thisDatabase)"
                return Int(try TestPostgres.psql(database, sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }
            try await fleet.eventually("the lock is held") { try advisoryLocks(granted: true) == 1 }
            let replicas = try (1...2).map { index in
                try fleet.launch(name: "replica-\(index)", binary: "switchyard-router", arguments: ["serve", "--port", "0", "--database", database])
            }
            try await fleet.eventually("both replicas wait for the lock", timeout: .seconds(50)) { try advisoryLocks(granted: false) == 2 }
            // Ends the holder's session (its sleep would outlast a killed client): they take turns.
            _ = try TestPostgres.psql(
                database,
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND \(Self.thisDatabase)"
            )
            try await fleet.eventually("the holder is gone") { !holder.isRunning }
            for replica in replicas {
                let port = try await replica.listeningPort()
                #expect(try await fleet.call(.GET, "/v1/models", at: "http://127.0.0.1:\(port)").status == 200)
            }
            let versions = try TestPostgres.psql(database, "SELECT version FROM switchyard_migration ORDER BY version")
            #expect(versions.split(separator: "\n") == ["1"], "each migration is recorded once")
            #expect(replicas.filter { $0.log.contains("database migrated") }.count == 1, "one replica migrated, the other waited")
            await fleet.stop()
        } catch {
            print("end-to-end failure: \(error)\n\(fleet.diagnostics)")
            await fleet.stop()
            throw error
        }
    }
}

/// `POST /v0/keys`'s answer.
struct CreatedKey: Decodable {
    struct Key: Decodable { var id: String }
    var key: Key
    var secret: String
}
