import HTTPTypes
import NIOHTTP1
import Testing

@testable import Shared

@Suite struct HopByHopHeadersTests {
    @Test func requestHeadersDropHopByHopAndCredentials() {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.authorization] = "Bearer secret"
        fields[HTTPField.Name("X-Api-Key")!] = "secret"
        fields[.cookie] = "switchyard_session=secret"
        fields[.connection] = "keep-alive"
        fields[.contentLength] = "12"
        fields[HTTPField.Name("X-Request-ID")!] = "abc"
        let headers = HopByHopHeaders.forwardable(fields)
        #expect(headers["content-type"] == ["application/json"])
        #expect(headers["x-request-id"] == ["abc"])
        #expect(headers["authorization"].isEmpty)
        #expect(headers["x-api-key"].isEmpty, "an Anthropic client's key stays at the router")
        #expect(headers["cookie"].isEmpty, "a browser's session cookie stays at the router")
        #expect(headers["connection"].isEmpty)
        #expect(headers["content-length"].isEmpty)
    }

    @Test func responseHeadersDropTransferEncoding() {
        let headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Transfer-Encoding": "chunked", "Keep-Alive": "timeout=5"]
        let fields = HopByHopHeaders.forwardable(headers)
        #expect(fields[.contentType] == "text/event-stream")
        #expect(fields[.transferEncoding] == nil)
        #expect(fields.count == 1)
    }
}
