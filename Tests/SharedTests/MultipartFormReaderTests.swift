import HTTPTypes
import NIOCore
import Testing

@testable import Shared

/// The `model` field of an audio transcription's multipart form, found in place.
@Suite struct MultipartFormReaderTests {
    static func form(boundary: String = "b0und", parts: [(headers: String, content: String)]) -> String {
        parts.map { "--\(boundary)\r\n\($0.headers)\r\n\r\n\($0.content)\r\n" }.joined() + "--\(boundary)--\r\n"
    }

    static let audio = (
        headers: "Content-Disposition: form-data; name=\"file\"; filename=\"model\"\r\nContent-Type: audio/wav", content: "RIFF\r\n--b0un\0d"
    )

    @Test func theModelFieldIsFoundAfterTheFile() throws {
        let body = Self.form(parts: [Self.audio, ("Content-Disposition: form-data; name=\"model\"", "org/whisper")])
        let fields = try RoutingFields(multipart: ByteBuffer(string: body), contentType: "multipart/form-data; boundary=b0und")
        #expect(fields.model == "org/whisper" && !fields.stream)
    }

    @Test func aQuotedBoundaryAndAModelBeforeTheFileWork() throws {
        let body = Self.form(boundary: "x y", parts: [("content-disposition: form-data;name=\"model\"", " m \r\n"), Self.audio])
        let fields = try RoutingFields(multipart: ByteBuffer(string: body), contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"x y\"")
        #expect(fields.model == "m")
    }

    @Test(
        arguments: [
            ("multipart/form-data; boundary=b0und", form(parts: [audio]), "model"),
            ("multipart/form-data; boundary=b0und", form(parts: [("Content-Disposition: form-data; name=\"model\"", "")]), "model"),
            ("multipart/form-data; boundary=b0und", "--b0und\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm", "model"),
            ("application/json", #"{"model":"m"}"#, nil),
            ("multipart/form-data", form(parts: [audio]), nil),
        ] as [(String, String, String?)]
    )
    func badFormsAreClear400s(contentType: String, body: String, param: String?) {
        #expect {
            try RoutingFields(multipart: ByteBuffer(string: body), contentType: contentType)
        } throws: { error in
            guard let error = error as? OpenAIError else { return false }
            return error.status == .badRequest && error.body.param == param
        }
    }
}
