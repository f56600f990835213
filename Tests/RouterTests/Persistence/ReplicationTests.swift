import Foundation
import Shared
import Testing

@testable import SwitchyardRouter

/// What PostgreSQL replicas tell each other: changes reach the other replicas (not the one
/// that made them) once committed, oversized heartbeats still fit a notification, and exactly
/// one replica leads at a time.
@Suite(.serialized, .enabled(if: StorageKind.available.contains(.postgres), "needs the tests' PostgreSQL from scripts/test.sh"))
struct ReplicationTests {
    /// The next change `storage` hears from the others (skipping, unless told, the resyncs of
    /// connecting); nil when none comes within 10 s.
    static func nextChange(_ storage: PostgresStorage, skippingResyncs: Bool = true) async -> StorageChange? {
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            storage.changeFeed.finish()
        }
        defer { timeout.cancel() }
        for await change in storage.changes! where !(skippingResyncs && change == .resync) { return change }
        return nil
    }

    @Test func aChangeReachesTheOtherReplicaNotItsAuthor() async throws {
        try await TestPostgresCluster.withNewDatabase { url in
            try await TestPostgresCluster.withStorage(url) { first in
                #expect(await Self.nextChange(first, skippingResyncs: false) == .resync, "listening")
                try await TestPostgresCluster.withStorage(url) { second in
                    #expect(await Self.nextChange(second, skippingResyncs: false) == .resync, "listening")
                    let node = Node(id: "n1", url: "http://a", name: "a", instanceID: "i", backend: "cpu", devices: [], capacity: 1, models: ["m"])
                    NodeStore(database: first).save(node)
                    #expect(await Self.nextChange(second) == .node(id: "n1"))
                    #expect(try await NodeStore(database: second).node(id: "n1") == node, "committed before it was announced")
                    _ = try await APIKeyStore.create(name: "k", in: second)
                    #expect(await Self.nextChange(first) == .keys, "the author's own node change was not delivered back to it")
                }
            }
        }
    }

    @Test func anOversizedHeartbeatIsSentWithItsLivenessOnly() async throws {
        try await TestPostgresCluster.withNewDatabase { url in
            try await TestPostgresCluster.withStorage(url) { storage in
                let engines = (0..<400).map { EngineReport(model: "org/a-rather-long-model-name-\($0)", state: .ready) }
                let beat = NodeHeartbeat(instanceID: "i", inFlight: 3, modelsVersion: "v", engines: engines, draining: true)
                let payload = try #require(storage.notification(.heartbeat(nodeID: "n", beat: beat)))
                #expect(payload.utf8.count < 8000)
                let notice = try JSONDecoder().decode(PostgresStorage.Notice.self, from: Data(payload.utf8))
                guard case .heartbeat(let nodeID, let sent) = notice.change else { throw TestFailure("not a heartbeat: \(notice.change)") }
                #expect(nodeID == "n" && sent.engines == nil && sent.inFlight == 3 && sent.draining == true)
            }
        }
    }

    @Test func exactlyOneReplicaLeadsAndAnotherTakesOverWhenItStops() async throws {
        try await TestPostgresCluster.withNewDatabase { url in
            let takeover = try await TestPostgresCluster.withStorage(url) { first in
                try await Self.eventually { first.isLeader }
                let second = Task {
                    try await TestPostgresCluster.withStorage(url) { second in
                        try await Task.sleep(for: .seconds(1))
                        let ledBesideTheFirst = second.isLeader
                        try await Self.eventually { second.isLeader }  // once the first has stopped
                        return !ledBesideTheFirst
                    }
                }
                try await Task.sleep(for: .seconds(2))  // the second is up, and does not lead
                return second
            }
            #expect(try await takeover.value, "one leader at a time, and a new one once it stopped")
        }
    }

    @Test func aDatabaseThatCannotBeUsedIsReportedAtOnceInWords() async throws {
        let base = try #require(TestPostgresCluster.baseURL)
        for (url, reason) in [
            ("\(base)/no_such_database?sslmode=disable", #"database "no_such_database" does not exist"#),
            ("postgres://u:pw@127.0.0.1:1/d", "connection refused"),
        ] {
            // The reason, not the pool's endless retries (nor the 20-s limit at start).
            await #expect {
                try await TestPostgresCluster.withStorage(url) { _ in }
            } throws: { error in
                "\(error)".contains(reason) && !"\(error)".contains("pw") && !"\(error)".contains("127.0.0.1")
            }
        }
    }

    static func eventually(timeout: Duration = .seconds(15), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
