import Foundation
import Shared
import Testing

@testable import SwitchyardRouter

/// What an operator may register as an endpoint, and how the registry keeps it.
@Suite struct EndpointRegistrationTests {
    static func registration(_ url: String, apiKey: String? = nil, capacity: Int? = nil, models: [String]? = nil) -> EndpointRegistration {
        EndpointRegistration(url: url, apiKey: apiKey, name: nil, capacity: capacity, models: models)
    }

    @Test(arguments: [
        ("http://host:8080", "http://host:8080"),
        ("http://host:8080/", "http://host:8080"),
        ("https://host/v1", "https://host"),
        ("http://host:8080/base/v1/", "http://host:8080/base"),
        (" http://10.0.0.2:11434 ", "http://10.0.0.2:11434"),
    ])
    func baseURLsAreNormalised(given: String, base: String) throws {
        #expect(try Self.registration(given).validated().url == base)
    }

    @Test(arguments: ["ftp://host", "host:8080", "http://", "http://host?x=1", "http://user:pass@host", ""])
    func otherURLsAreRefused(url: String) {
        #expect(throws: OpenAIError.self) { try Self.registration(url).validated() }
    }

    @Test func capacityModelsAndKeyAreChecked() throws {
        #expect(throws: OpenAIError.self) { try Self.registration("http://h", capacity: 0).validated() }
        #expect(throws: OpenAIError.self) { try Self.registration("http://h", models: []).validated() }
        #expect(throws: OpenAIError.self) { try Self.registration("http://h", apiKey: "").validated() }
        #expect(try Self.registration("http://h", apiKey: "k").validated().credential == .apiKey("k"))
        #expect(try Self.registration("http://h").validated().credential == NodeCredential.none)
    }

    @Test func anAllowListKeepsOnlyItsModels() {
        let settings = EndpointSettings(apiKey: nil, allowedModels: ["b", "z"], serverType: .vllm)
        #expect(settings.routable(["a", "b", "c"]) == ["b"])
        #expect(EndpointSettings(apiKey: nil, allowedModels: nil, serverType: .vllm).routable(["a"]) == ["a"])
    }

    @Test func anEndpointIsLeasedWithItsKeyAndAnAgentWithTheNodeToken() async throws {
        let registry = try NodeRegistryTests.registry()
        let settings = EndpointSettings(apiKey: "their-key", allowedModels: nil, serverType: .llamaServer)
        let endpoint = await registry.registerEndpoint(url: "http://e", name: "e", capacity: 1, settings: settings, models: ["m"])
        let agent = await registry.register(NodeRegistryTests.registration("http://a", capacity: 1), models: ["m"])
        var credentials: [String: NodeCredential] = [:]
        for _ in 0..<2 {
            guard case .leased(let lease) = await registry.tryAcquire(model: "m") else { throw WarmFirstTests.Unexpected(acquisition: .full) }
            credentials[lease.nodeID] = lease.credential
        }
        #expect(credentials == [endpoint: .apiKey("their-key"), agent: .nodeToken])
        #expect(NodeCredential.none.bearer(nodeToken: "fleet") == nil, "a keyless endpoint gets no token at all")
    }

    @Test func anEndpointThatAnswersAgainAfterFailingHasItsExclusionsLifted() async throws {
        let registry = try NodeRegistryTests.registry()
        let settings = EndpointSettings(apiKey: nil, allowedModels: nil, serverType: .generic)
        let id = await registry.registerEndpoint(url: "http://e", name: "e", capacity: 2, settings: settings, models: ["m", "n"])
        await registry.exclude(nodeID: id, model: "m", reason: "the node answered 500")
        await registry.endpointAnswered(id: id, listed: ["m", "n"], recovered: false)
        #expect(await registry.node(id)?.node.excluded == ["m"], "an ordinary poll changes nothing")
        await registry.endpointAnswered(id: id, listed: ["m", "n", "o"], recovered: true)
        let node = try #require(await registry.node(id)?.node)
        #expect(node.excluded.isEmpty && node.models == ["m", "n", "o"])
        #expect(await registry.endpointTargets().map(\.id) == [id])
    }

    @Test func aPollAnswerGoesThroughTheAllowListAsItIsNow() async throws {
        let registry = try NodeRegistryTests.registry()
        let open = EndpointSettings(apiKey: nil, allowedModels: nil, serverType: .generic)
        let id = await registry.registerEndpoint(url: "http://e", name: "e", capacity: 2, settings: open, models: ["m", "n"])
        var narrowed = open
        narrowed.allowedModels = ["m"]
        _ = await registry.registerEndpoint(url: "http://e", name: "e", capacity: 2, settings: narrowed, models: ["m"])
        await registry.endpointAnswered(id: id, listed: ["m", "n"], recovered: false)  // sent before the change
        #expect(await registry.node(id)?.node.models == ["m"])
    }
}
