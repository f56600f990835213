import Foundation
import NIOHTTP1
import Testing

extension ModelRegistrationTests {
    @Test("4.8 registering a hub repository downloads it to every CPU agent, makes it routable, and unregistering removes it")
    func registeredModelBecomesRoutableEverywhere() async throws {
        try await withHub { fleet, hub, weights in
            let firstDirectory = try fleet.modelsDirectory("cpu-1", models: [TestEnvironment.embeddingModel])
            try await startAgent(fleet, hub: hub, name: "cpu-1", directory: firstDirectory)
            try await startAgent(fleet, hub: hub, name: "cpu-2")
            let (status, chosen) = try await register(fleet, #"{"repo": "\#(hub.url)/\#(Self.repo)/tree/main"}"#)
            #expect(status == 201)
            #expect(chosen["id"] as? String == Self.repo)
            #expect(chosen["format"] as? String == "gguf")
            #expect(chosen["quantization"] as? String == "Q4_1", "a 4-bit file is preferred over F16")
            #expect((chosen["files"] as? [[String: Any]])?.map { $0["path"] as? String } == [Self.weights])

            try await fleet.eventually("both agents serve the registered model", timeout: .seconds(90)) {
                let entry = try await lifecycle(fleet, model: Self.repo)
                let nodes = entry?["nodes"] as? [[String: Any]] ?? []
                return nodes.count == 2 && nodes.allSatisfy { $0["state"] as? String == "ready" }
            }
            #expect(try await servedModels(fleet).contains(Self.repo))
            #expect(try await lifecycle(fleet, model: Self.repo)?["state"] as? String == "ready")
            let (chatStatus, chat) = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.repo))
            #expect(chatStatus == 200, "\(chat)")
            #expect(await hub.state.bytesSent[Self.weights] == 2 * weights.size, "each agent downloaded the file once")
            #expect(await hub.state.bytesSent["smol-135m.F16.gguf"] == nil, "the F16 file was not chosen")

            let directory = firstDirectory.appendingPathComponent(Self.repo)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.weights).path))
            #expect(try await fleet.call(.DELETE, "/v0/models/\(Self.repo)").status == 204)
            try await fleet.eventually("the model leaves /v1/models and the agents' disks", timeout: .seconds(20)) {
                try await !servedModels(fleet).contains(Self.repo) && !FileManager.default.fileExists(atPath: directory.path)
            }
            try await fleet.eventually("no engine keeps serving the unregistered model", timeout: .seconds(20)) {
                fleet.agents.allSatisfy { !EngineProcesses.of($0).values.contains(Self.repo) }
            }
            #expect(try await lifecycle(fleet, model: Self.repo) == nil)
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.repo)).status != 200)
        }
    }

    @Test("an agent killed mid-download resumes from where it stopped; meanwhile inference answers 503 model_downloading")
    func downloadResumesAfterAgentRestart() async throws {
        try await withHub { fleet, hub, weights in
            await hub.state.throttle(Self.weights, bytesPerSecond: 6 << 20)
            let directory = try fleet.modelsDirectory("resuming", models: [TestEnvironment.embeddingModel])
            let agent = try await startAgent(fleet, hub: hub, name: "resuming", directory: directory)
            #expect(try await register(fleet, #"{"repo": "\#(Self.repo)", "file": "\#(Self.weights)"}"#).status == 201)

            let staging = directory.appendingPathComponent(".switchyard-downloads")
            var partial = staging
            try await fleet.eventually("the download starts", timeout: .seconds(30)) {
                let folder = (try? FileManager.default.contentsOfDirectory(atPath: staging.path))?.first {
                    $0.hasPrefix("local-test+smol-registered@")
                }
                partial = staging.appendingPathComponent("\(folder ?? "-")/\(Self.weights).partial")
                return FileManager.default.fileExists(atPath: partial.path)
            }
            var downloading: (status: Int, body: String) = (0, "")
            try await fleet.eventually("the router reports the download in progress", timeout: .seconds(30)) {
                downloading = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.repo))
                return downloading.body.contains("model_downloading") && Self.size(of: partial) > weights.size / 4
            }
            #expect(downloading.status == 503)
            #expect(downloading.body.contains("%"), "the message carries the progress: \(downloading.body)")
            let node = (try await lifecycle(fleet, model: Self.repo)?["nodes"] as? [[String: Any]])?.first
            #expect(node?["state"] as? String == "downloading")
            #expect((node?["percent"] as? Double ?? 0) > 0)

            agent.kill()
            try await Task.sleep(for: .milliseconds(300))
            let onDisk = Self.size(of: partial)
            let sentBeforeKill = await hub.state.bytesSent[Self.weights] ?? 0
            #expect(onDisk > 0 && onDisk < weights.size)
            await hub.state.throttle(Self.weights, bytesPerSecond: nil)

            try await startAgent(fleet, hub: hub, name: "resumed", directory: directory)
            try await fleet.eventually("the resumed download completes and is served", timeout: .seconds(60)) {
                try await servedModels(fleet).contains(Self.repo)
            }
            let starts = await hub.state.rangeStarts[Self.weights] ?? []
            #expect(starts == [0, onDisk], "the second request asked for the rest only")
            let sentAfterRestart = (await hub.state.bytesSent[Self.weights] ?? 0) - sentBeforeKill
            #expect(sentAfterRestart == weights.size - onDisk, "only the missing bytes were transferred again")
            #expect(try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.repo)).status == 200)
        }
    }

    @Test("a file that fails its checksum is rejected: the model is reported failed and never served")
    func checksumMismatchIsRejected() async throws {
        try await withHub { fleet, hub, _ in
            await hub.state.corrupt(Self.weights)
            let directory = try fleet.modelsDirectory("verifying", models: [TestEnvironment.embeddingModel])
            try await startAgent(fleet, hub: hub, name: "verifying", directory: directory)
            #expect(try await register(fleet, #"{"repo": "\#(Self.repo)"}"#).status == 201)
            var node: [String: Any]?
            try await fleet.eventually("the agent reports the failure", timeout: .seconds(60)) {
                node = (try await lifecycle(fleet, model: Self.repo)?["nodes"] as? [[String: Any]])?.first
                return node?["state"] as? String == "failed"
            }
            #expect((node?["reason"] as? String ?? "").contains("checksum mismatch"))
            #expect(try await lifecycle(fleet, model: Self.repo)?["state"] as? String == "failed")
            #expect(try await !servedModels(fleet).contains(Self.repo))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.repo).path))
            let staged =
                (FileManager.default.enumerator(atPath: directory.appendingPathComponent(".switchyard-downloads").path)?.allObjects as? [String])
                ?? []
            #expect(!staged.contains { $0.hasSuffix(".partial") }, "the bad bytes were deleted: \(staged)")
            let answer = try await fleet.call(.POST, "/v1/chat/completions", json: Self.chat(Self.repo))
            #expect(answer.status == 503 && answer.body.contains("no_capable_nodes"))
        }
    }

    static func size(of url: URL) -> Int64 {
        Int64((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
    }
}
