import Foundation
import NIOCore

/// The fields of an inference request body that routing needs: the model and whether to stream.
///
/// The body itself is forwarded unchanged; only these fields are read from it.
public struct RoutingFields: Sendable, Equatable {
    /// The requested model ID (exact, case-sensitive).
    public var model: String
    /// Whether the client asked for server-sent events.
    public var stream: Bool

    private struct Wire: Decodable {
        var model: String?
        var stream: Bool?
    }

    /// Reads the routing fields from a request body.
    /// - Parameters:
    ///   - body: The raw JSON body.
    ///   - route: The endpoint, to reject `stream` where it does not apply.
    /// - Throws: ``OpenAIError`` (400) for a body that is not a JSON object, a missing or empty
    ///   `model`, or a `stream` that is not a boolean.
    public init(parsing body: ByteBuffer, route: InferenceRoute) throws(OpenAIError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath[0].stringValue
            let expected = field == "stream" ? "a boolean" : "a string"
            throw .invalidRequest("'\(field)' must be \(expected).", param: field)
        } catch DecodingError.typeMismatch {
            throw .invalidRequest("The request body must be a JSON object.")
        } catch {
            throw .invalidRequest("The request body is not valid JSON.")
        }
        guard let model = wire.model else {
            throw .invalidRequest("You must provide a model parameter.", param: "model")
        }
        guard !model.isEmpty else {
            throw .invalidRequest("'model' must be a non-empty string.", param: "model")
        }
        let stream = wire.stream ?? false
        if stream && !route.canStream {
            throw .invalidRequest("'stream' is not supported on \(route.path).", param: "stream")
        }
        self.model = model
        self.stream = stream
    }
}
