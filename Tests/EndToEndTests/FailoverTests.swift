import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two router replicas behind nginx, under mixed load (plain and streamed chats): one killed
/// outright loses no plain request (nginx resends what the dead replica never answered) and
/// its streams end with an error the client sees; a rolling restart (SIGTERM, drain, start
/// again, one replica after the other) loses nothing, streams included.
@Suite(.serialized, .enabled(if: TestPostgres.shouldRun, "needs the engine, models and the tests' PostgreSQL from scripts/test.sh"))
struct FailoverTests {
    /// How a streamed request ended.
    enum StreamEnd: Equatable {
        case complete
        /// The connection ended before `data: [DONE]`, with this error (or none).
        case cut(String)
    }

    /// Mixed load through the balancer: each client alternates a plain chat and a stream.
    actor Load {
        private(set) var plain: [Int] = []
        private(set) var streams: [StreamEnd] = []
        private var stopped = false
        var finished: Int { plain.count + streams.count }

        func stop() { stopped = true }
        func record(plain status: Int) { plain.append(status) }
        func record(stream end: StreamEnd) { streams.append(end) }
        var isStopped: Bool { stopped }

        nonisolated func start(clients: Int, through fleet: Fleet, at url: String) -> [Task<Void, any Error>] {
            (0..<clients).map { _ in
                Task {
                    while await !isStopped {
                        await record(plain: await Self.plainChat(fleet, at: url))
                        await record(stream: await Self.streamedChat(fleet, at: url))
                    }
                }
            }
        }

        static func plainChat(_ fleet: Fleet, at url: String) async -> Int {
            let json = #"{"model": "\#(TestEnvironment.chatModel)", "max_tokens": 8, "messages": [{"role": "user", "content": "Hi"}]}"#
            return (try? await fleet.call(.POST, "/v1/chat/completions", json: json, at: url).status) ?? -1
        }

        static func streamedChat(_ fleet: Fleet, at url: String) async -> StreamEnd {
            let json =
                #"{"model": "\#(TestEnvironment.chatModel)", "stream": true, "max_tokens": 40, "ignore_eos": true, "messages": [{"role": "user", "content": "Count."}]}"#
            var text = ""
            do {
                let response = try await fleet.send(.POST, "/v1/chat/completions", json: json, at: url)
                guard response.status == .ok else { return .cut("status \(response.status.code)") }
                for try await chunk in response.body { text += String(buffer: chunk) }
            } catch {
                return .cut("\(error)")
            }
            return text.hasSuffix("data: [DONE]\n\n") ? .complete : .cut("ended without [DONE]")
        }
    }

    /// Two replicas, an agent that knows both, nginx over them, and load running through it
    /// while `body` runs. Returns the load once every request in flight has ended.
    static func withLoad(_ body: (Fleet, inout [ReplicaTests.Replica], String, Load) async throws -> Void) async throws -> Load {
        let load = Load()
        try await ReplicaTests.withReplicas { fleet, replicas, database in
            var replicas = replicas
            try await fleet.startAgent(name: "agent", extraArguments: ["--slots", "4"], router: replicas.map(\.url).joined(separator: ","))
            for replica in replicas {
                try await fleet.eventually("every replica serves the model") {
                    try await ReplicaTests.models(fleet, at: replica.url).contains(TestEnvironment.chatModel)
                }
            }
            let balancer = try await LoadBalancer.start(in: fleet, over: replicas.map(\.url))
            let clients = load.start(clients: 4, through: fleet, at: balancer.url)
            try await fleet.eventually("requests flow", timeout: .seconds(60)) { await load.finished >= 8 }
            try await body(fleet, &replicas, database, load)
            await load.stop()
            for client in clients { try await client.value }
            if await load.plain.contains(where: { $0 != 200 }) { print(fleet.diagnostics) }
        }
        return load
    }

    @Test func aReplicaKilledUnderLoadLosesNoPlainRequest() async throws {
        let load = try await Self.withLoad { fleet, replicas, _, load in
            // A long stream known to be on the replica that dies, besides the load's own.
            let response = try await fleet.send(.POST, "/v1/chat/completions", json: DrainTests.longStream(2000), at: replicas[0].url)
            var body = response.body.makeAsyncIterator()
            _ = try await body.next()
            kill(replicas[0].process.pid, SIGKILL)
            do {
                while try await body.next() != nil {}
                Issue.record("the stream on the killed replica ended as if complete")
            } catch {
                // The client learns at once that its stream broke off (no hang, no silent end).
            }
            let atKill = await load.finished
            try await fleet.eventually("requests go on through the other replica", timeout: .seconds(90)) { await load.finished >= atKill + 16 }
        }
        let (plain, streams) = (await load.plain, await load.streams)
        #expect(plain.allSatisfy { $0 == 200 }, "plain requests lost: \(plain.filter { $0 != 200 })")
        // Streams the killed replica was relaying end with an error; at most one per client.
        let cut = streams.filter { $0 != .complete }
        #expect(cut.count <= 4, "\(cut)")
        print("SIGKILL under load: \(plain.count) plain requests, all answered; \(streams.count) streams, \(cut.count) cut: \(cut)")
    }

    @Test func aRollingRestartUnderLoadLosesNothingStreamsIncluded() async throws {
        let load = try await Self.withLoad { fleet, replicas, database, load in
            for index in replicas.indices {
                let port = try await replicas[index].process.listeningPort()
                kill(replicas[index].process.pid, SIGTERM)
                try await fleet.eventually("the replica drains and exits", timeout: .seconds(60)) { !replicas[index].process.isRunning }
                #expect(replicas[index].process.termination.status == 0)
                let (process, url) = try await fleet.startReplica(database: database, port: port)
                replicas[index] = ReplicaTests.Replica(process: process, url: url)
                // nginx checks no health: it takes a replica back once its fail_timeout is over
                // and a request there succeeds. Only then may the next replica stop, or neither
                // would be live for nginx (a rolling upgrade waits the same way).
                try await fleet.eventually("nginx sends requests to the restarted replica", timeout: .seconds(30)) {
                    try await fleet.call(.GET, "/metrics", at: url).body.contains("requests_total{")
                }
            }
        }
        let (plain, streams) = (await load.plain, await load.streams)
        #expect(plain.allSatisfy { $0 == 200 }, "plain requests lost: \(plain.filter { $0 != 200 })")
        #expect(streams.allSatisfy { $0 == .complete }, "streams cut: \(streams.filter { $0 != .complete })")
        print("rolling restart under load: \(plain.count) plain requests and \(streams.count) streams, none lost")
    }
}
