import Foundation
import HTTPTypes
import Testing

@testable import SwitchyardRouter

/// The methods each path accepts, as the router's OpenAPI document lists them: what a request
/// with another method is answered 405 with.
@Suite struct APIDocumentTests {
    static let document: APIDocument? = {
        let paths = """
            {"openapi": "3.1.0", "paths": {
              "/v0/nodes": {"get": {}, "post": {}},
              "/v0/nodes/{id}": {"parameters": [], "get": {}, "delete": {}},
              "/v0/nodes/{id}/exclusions": {"delete": {}},
              "/dashboard/login": {"post": {}},
              "/dashboard/{asset}": {"get": {}},
              "/v1/models/{model}": {"get": {}}
            }}
            """
        return APIDocument(data: Data(paths.utf8))
    }()

    @Test func thePathsOwnMethodsClosestTemplateFirst() throws {
        let document = try #require(Self.document)
        #expect(document.methods(for: "/v0/nodes") == [.get, .post])
        #expect(document.methods(for: "/v0/nodes/n-1") == [.get, .delete])
        #expect(document.methods(for: "/v0/nodes/n-1/exclusions") == [.delete])
        #expect(document.methods(for: "/dashboard/login") == [.post])
        #expect(document.methods(for: "/dashboard/app.js") == [.get])
        // A model ID holds slashes: the template's last parameter takes the rest.
        #expect(document.methods(for: "/v1/models/org/name") == [.get])
        #expect(document.methods(for: "/v2/unknown") == nil)
        #expect(document.methods(for: "/") == nil)
    }

    @Test func theRoutersOwnDocumentLoadsAndListsEveryRoute() throws {
        let document = try #require(APIDocument.load())
        #expect(document.methods(for: "/v1/chat/completions") == [.post])
        #expect(document.methods(for: "/openapi.json") == [.get])
        #expect(document.methods(for: "/v0/keys/k-1") == [.delete])
    }
}
