import Foundation
import Testing

@testable import Shared

/// The one-pass reader of `model` and `stream`: what it reads, what it refuses, and that it
/// agrees with Foundation's JSON decoder wherever the decoder is as strict.
@Suite struct RoutingFieldsScannerTests {
    typealias Failure = RoutingFieldsScanner.Failure

    /// What Foundation's decoder reads from the same body.
    private struct Wire: Decodable {
        var model: String?
        var stream: Bool?
    }

    private static func scan(_ body: [UInt8]) -> Result<Pair, Failure> {
        body.withUnsafeBufferPointer { bytes in
            Result { () throws(Failure) in Pair(try RoutingFieldsScanner.scan(bytes)) }
        }
    }

    private static func decode(_ body: [UInt8]) -> Result<Pair, Failure> {
        do {
            let wire = try JSONDecoder().decode(Wire.self, from: Data(body))
            return .success(Pair((wire.model, wire.stream)))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.first?.stringValue == "model" {
            return .failure(.modelNotAString)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.first?.stringValue == "stream" {
            return .failure(.streamNotABoolean)
        } catch DecodingError.typeMismatch {
            return .failure(.notAnObject)
        } catch {
            return .failure(.invalidJSON)
        }
    }

    struct Pair: Equatable {
        var model: String?
        var stream: Bool?
        init(_ fields: (model: String?, stream: Bool?)) { (model, stream) = (fields.model, fields.stream) }
        init(_ fields: RoutingFieldsScanner.Fields) { (model, stream) = (fields.model, fields.stream) }
    }

    @Test(
        "the session is prompt_cache_key, else user; other types and nested members do not count",
        arguments: [
            (#"{"model":"m","user":"u1"}"#, "u1"),
            (#"{"prompt_cache_key":"k1","model":"m","user":"u1"}"#, "k1"),
            (#"{"model":"m","user":"u1","prompt_cache_key":null}"#, "u1"),
            (#"{"model":"m","user":{"id":"u1"},"prompt_cache_key":7}"#, nil),
            (#"{"model":"m","metadata":{"user":"inner"}}"#, nil),
            (#"{"model":"m","us\u0065r":"escaped"}"#, "escaped"),
        ] as [(String, String?)]
    )
    func session(body: String, session: String?) throws {
        let fields = try Array(body.utf8).withUnsafeBufferPointer { bytes throws(Failure) in try RoutingFieldsScanner.scan(bytes) }
        #expect(fields.session == session)
        #expect(fields.model == "m")
    }

    @Test(
        "the prompt's start is the first messages, prompt or input value, cut at its first 2 KiB",
        arguments: [
            (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"user":"u"}"#, #"[{"role":"user","content":"hi"}]"#),
            (#"{"prompt":"abc","model":"m","input":"later"}"#, #""abc""#),
            (#"{"model":"m","x":{"messages":[]}}"#, nil),
        ] as [(String, String?)]
    )
    func prefix(body: String, prefix: String?) throws {
        let bytes = Array(body.utf8)
        let fields = try bytes.withUnsafeBufferPointer { bytes throws(Failure) in try RoutingFieldsScanner.scan(bytes) }
        #expect(fields.prefix.map { String(decoding: bytes[$0], as: UTF8.self) } == prefix)
    }

    @Test func aLongPromptsStartIsItsFirst2KiB() throws {
        let body = Array(#"{"model":"m","prompt":"\#(String(repeating: "a", count: 5000))"}"#.utf8)
        let fields = try body.withUnsafeBufferPointer { bytes throws(Failure) in try RoutingFieldsScanner.scan(bytes) }
        #expect(fields.prefix?.count == RoutingFieldsScanner.prefixLength)
    }

    static let agreed: [(String, Result<Pair, Failure>)] = [
        (#"{"model":"m"}"#, .success(Pair(("m", nil)))),
        ("  {\n\t\"model\" : \"m\" , \"stream\" : false }  ", .success(Pair(("m", false)))),
        (#"{"stream":true,"model":"org/m"}"#, .success(Pair(("org/m", true)))),
        (#"{"messages":[{"role":"user","content":"he said \"}\" \\ {ok}"}],"model":"m","max_tokens":1}"#, .success(Pair(("m", nil)))),
        (#"{"model":"caf\u00e9 \ud83d\ude00 \n\t\/"}"#, .success(Pair(("café 😀 \n\t/", nil)))),
        (#"{"mod\u0065l":"x","str\u0065am":true}"#, .success(Pair(("x", true)))),
        (#"{"n":-0.5e+10,"m":[1,2,3.25,0,-0,1E3],"model":"m","o":{}}"#, .success(Pair(("m", nil)))),
        (#"{"model":"m","x":{"model":"inner","stream":"no"}}"#, .success(Pair(("m", nil)))),
        (#"{"model":null,"stream":null}"#, .success(Pair((nil, nil)))),
        (#"{"model":"é","t":[true,false,null]}"#, .success(Pair(("é", nil)))),
        ("{}", .success(Pair((nil, nil)))),
        (#"{"a":[[[]]],"model":""}"#, .success(Pair(("", nil)))),
        ("", .failure(.invalidJSON)),
        ("   ", .failure(.invalidJSON)),
        ("{", .failure(.invalidJSON)),
        (#"{"model":"m""#, .failure(.invalidJSON)),
        (#"{"model":'m'}"#, .failure(.invalidJSON)),
        (#"{"model":"m"} x"#, .failure(.invalidJSON)),
        (#"{"model":"\q"}"#, .failure(.invalidJSON)),
        (#"{"model":"\u12"}"#, .failure(.invalidJSON)),
        (#"{"n":.5}"#, .failure(.invalidJSON)),
        (#"{"n":tru}"#, .failure(.invalidJSON)),
        (#"{"model":"m" "stream":true}"#, .failure(.invalidJSON)),
        (#"{"model":"m",,"stream":true}"#, .failure(.invalidJSON)),
        (#"{model:"m"}"#, .failure(.invalidJSON)),
        (#"[1,2]"#, .failure(.notAnObject)),
        (#""str""#, .failure(.notAnObject)),
        ("42", .failure(.notAnObject)),
        (#"{"model":42}"#, .failure(.modelNotAString)),
        (#"{"model":["m"],"stream":"no"}"#, .failure(.modelNotAString)),
        (#"{"model":{"a":1}}"#, .failure(.modelNotAString)),
        (#"{"model":true}"#, .failure(.modelNotAString)),
        (#"{"stream":"yes","model":"m"}"#, .failure(.streamNotABoolean)),
        (#"{"stream":1,"model":"m"}"#, .failure(.streamNotABoolean)),
        (#"{"model":42,"x":]"#, .failure(.invalidJSON)),
    ]

    @Test("reads what it should, and agrees with Foundation's decoder", arguments: agreed)
    func agreesWithFoundation(body: String, expected: Result<Pair, Failure>) {
        let bytes = Array(body.utf8)
        #expect(Self.scan(bytes) == expected)
        #expect(Self.decode(bytes) == expected, "Foundation's decoder reads this body the same way")
    }

    @Test("lone surrogate escapes are valid JSON and read as U+FFFD; a byte-order mark is ignored")
    func lenientWhereTheGrammarIs() {
        #expect(Self.scan(Array(#"{"model":"a\ud800"}"#.utf8)) == .success(Pair(("a\u{FFFD}", nil))))
        #expect(Self.scan(Array(#"{"model":"\ud800\u0041\udc00"}"#.utf8)) == .success(Pair(("\u{FFFD}A\u{FFFD}", nil))))
        #expect(Self.scan(Array(#"{"messages":[{"content":"cut \ud83d"}],"model":"m"}"#.utf8)) == .success(Pair(("m", nil))))
        #expect(Self.scan([0xEF, 0xBB, 0xBF] + Array(#"{"model":"m"}"#.utf8)) == .success(Pair(("m", nil))))
    }

    @Test("refuses what the grammar forbids, where Foundation's decoder lets some of it through")
    func strictWhereTheGrammarIs() {
        let bodies: [[UInt8]] = [
            // Foundation accepts these four.
            Array(#"{"model":"m",}"#.utf8),
            Array(#"{"n":01,"model":"m"}"#.utf8),
            Array(#"{"n":1.,"model":"m"}"#.utf8),
            Array(#"{"n":-,"model":"m"}"#.utf8),
            Array(#"{"model":"a"#.utf8) + [0x01] + Array(#""}"#.utf8),
            Array(#"{"model":"m","c":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8),
            Array((#"{"a":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}").utf8),
        ]
        for body in bodies {
            #expect(Self.scan(body) == .failure(.invalidJSON), "\(String(decoding: body, as: UTF8.self))")
        }
        #expect(Self.scan(Array("null".utf8)) == .failure(.notAnObject), "Foundation calls it missing data; it is valid JSON")
        let deepButAllowed = #"{"model":"m","a":"# + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}"
        #expect(Self.scan(Array(deepButAllowed.utf8)) == .success(Pair(("m", nil))))
    }

    @Test("of a member given twice, the last counts")
    func lastDuplicateWins() {
        #expect(Self.scan(Array(#"{"model":"first","stream":true,"model":"second","stream":false}"#.utf8)) == .success(Pair(("second", false))))
    }
}
