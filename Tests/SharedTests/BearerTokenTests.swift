import HTTPTypes
import Shared
import Testing

@Suite struct BearerTokenTests {
    private func token(_ value: String?) -> String? {
        var headers = HTTPFields()
        if let value { headers[.authorization] = value }
        return BearerAuthMiddleware<SwitchyardRequestContext>.bearerToken(in: headers)
    }

    @Test("the scheme is case-insensitive and blanks around the token are ignored")
    func acceptsBearerTokens() {
        #expect(token("Bearer sy-abc") == "sy-abc")
        #expect(token("bearer sy-abc") == "sy-abc")
        #expect(token("BEARER \t sy-abc \t") == "sy-abc")
    }

    @Test("no header, another scheme, or an empty token gives no token")
    func refusesEverythingElse() {
        #expect(token(nil) == nil)
        #expect(token("Basic dXNlcjpwYXNz") == nil)
        #expect(token("Bearer") == nil)
        #expect(token("Bearer    ") == nil)
        #expect(token("Bearersy-abc") == nil)
        #expect(token("Bearer\tsy-abc") == nil, "the scheme ends at a space")
    }

    @Test("two Authorization headers give no token")
    func refusesTwoHeaders() {
        var headers: HTTPFields = [.authorization: "Bearer sy-abc"]
        headers.append(HTTPField(name: .authorization, value: "Bearer sy-def"))
        #expect(BearerAuthMiddleware<SwitchyardRequestContext>.bearerToken(in: headers) == nil)
    }
}
