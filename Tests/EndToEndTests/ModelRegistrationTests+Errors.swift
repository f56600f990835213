import Foundation
import NIOHTTP1
import Testing

extension ModelRegistrationTests {
    @Test("a gated repository registers with HF_TOKEN, and agents download it with their own token")
    func gatedRepositoryWithTokens() async throws {
        try await withHub(routerEnvironment: ["HF_TOKEN": LocalHub.token]) { fleet, hub, _ in
            var weights = try Self.smolFile()
            weights.path = "gated.Q4_1.gguf"
            await hub.state.add(LocalHub.Repo(id: "local-test/gated", gated: true, files: [weights]))
            let withToken = try await startAgent(fleet, hub: hub, name: "with-token", environment: ["HF_TOKEN": LocalHub.token])
            let withoutToken = try await startAgent(fleet, hub: hub, name: "without-token")
            #expect(try await register(fleet, #"{"repo": "local-test/gated"}"#).status == 201)
            var nodes: [[String: Any]] = []
            try await fleet.eventually("one agent serves it, the other reports the refusal", timeout: .seconds(60)) {
                nodes = try await lifecycle(fleet, model: "local-test/gated")?["nodes"] as? [[String: Any]] ?? []
                return Set(nodes.compactMap { $0["state"] as? String }) == ["ready", "failed"]
            }
            let failed = try #require(nodes.first { $0["state"] as? String == "failed" })
            #expect((failed["reason"] as? String ?? "").contains("HF_TOKEN"), "\(failed)")
            #expect(!withToken.log.contains(LocalHub.token) && !withoutToken.log.contains(LocalHub.token), "the token is never logged")
            #expect(try await fleet.call(.GET, "/v0/models/hub").body.contains(LocalHub.token) == false)
        }
    }

    @Test("registration answers precise errors: unknown, gated, unusable, duplicate, unreachable hub")
    func registrationErrorsArePrecise() async throws {
        try await withHub { fleet, hub, _ in
            await hub.state.add(LocalHub.Repo(id: "local-test/gated", gated: true, files: [try Self.smolFile()]))
            await hub.state.add(LocalHub.Repo(id: "local-test/docs-only", files: [try SmolCache.readme()]))
            func code(_ json: String) async throws -> (Int, String?) {
                let (status, body) = try await register(fleet, json)
                return (status, (body["error"] as? [String: Any])?["code"] as? String)
            }
            #expect(try await code(#"{"repo": "local-test/nothing-here"}"#) == (404, "repository_not_found"))
            #expect(try await code(#"{"repo": "local-test/gated"}"#) == (403, "gated_repo"))
            #expect(try await code(#"{"repo": "local-test/docs-only"}"#) == (400, "no_usable_artifact"))
            #expect(try await code(#"{"repo": "\#(Self.repo)", "file": "missing.gguf"}"#) == (400, "no_usable_artifact"))
            #expect(try await code(#"{"repo": "\#(Self.repo)", "revision": "v9"}"#) == (404, "revision_not_found"))
            #expect(try await code(#"{"repo": "not a repo!"}"#).0 == 400)
            #expect(try await code(#"{"repo": "\#(Self.repo)"}"#).0 == 201)
            #expect(try await code(#"{"repo": "\#(Self.repo)"}"#) == (409, "model_already_registered"))

            #expect(try await fleet.call(.GET, "/v0/models/\(Self.repo)/manifest", key: fleet.nodeToken).status == 200)
            #expect(try await fleet.call(.GET, "/v0/models/hub", key: fleet.nodeToken).status == 401, "the lifecycle is for admins")
            #expect(try await fleet.call(.POST, "/v0/models/register", json: #"{"repo": "a/b"}"#, key: "wrong").status == 401)
            #expect(try await fleet.call(.DELETE, "/v0/models/local-test/unknown").status == 404)

            // A hub nobody answers at (port 1 refuses connections).
            fleet.routerEnvironment["HF_ENDPOINT"] = "http://127.0.0.1:1"
            try await fleet.restartRouter()
            #expect(try await code(#"{"repo": "local-test/other"}"#) == (502, "hub_unavailable"))
            let body = try await fleet.call(.POST, "/v0/models/register", json: #"{"repo": "local-test/other"}"#).body
            #expect(!body.contains("127.0.0.1"), "no internal address in the error: \(body)")
        }
    }
}
