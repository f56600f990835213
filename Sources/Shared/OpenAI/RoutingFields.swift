import Foundation
import NIOCore

/// The fields of an inference request body that routing needs: the model, whether to stream,
/// and the conversation it belongs to.
///
/// The body itself is forwarded unchanged; only these fields are read from it.
public struct RoutingFields: Sendable, Equatable {
    /// The requested model ID (exact, case-sensitive).
    public var model: String
    /// Whether the client asked for server-sent events.
    public var stream: Bool
    /// OpenAI's `prompt_cache_key`, else `user`: a key that keeps a conversation on one node.
    public var session: String?
    /// Where the prompt's start (``RoutingFieldsScanner/prefixLength`` bytes of the `messages`,
    /// `prompt` or `input` value at most) lies among the body's readable bytes.
    public var prefix: Range<Int>?

    /// Reads the routing fields from a request body.
    /// - Parameters:
    ///   - body: The raw JSON body.
    ///   - route: The endpoint, to reject `stream` where it does not apply.
    /// - Throws: ``OpenAIError`` (400) for a body that is not a JSON object, a missing or empty
    ///   `model`, or a `stream` that is not a boolean.
    public init(parsing body: ByteBuffer, route: InferenceRoute) throws(OpenAIError) {
        let wire: RoutingFieldsScanner.Fields
        do {
            wire = try body.withUnsafeReadableBytes { try RoutingFieldsScanner.scan($0.assumingMemoryBound(to: UInt8.self)) }
        } catch RoutingFieldsScanner.Failure.modelNotAString {
            throw .invalidRequest("'model' must be a string.", param: "model")
        } catch RoutingFieldsScanner.Failure.streamNotABoolean {
            throw .invalidRequest("'stream' must be a boolean.", param: "stream")
        } catch RoutingFieldsScanner.Failure.notAnObject {
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
        if route.dialect == .anthropic && !wire.hasMessages {
            // llama-server answers this with a 500, which would count against the node.
            throw .invalidRequest("'messages' is required.", param: "messages")
        }
        let stream = wire.stream ?? false
        if stream && !route.canStream {
            throw .invalidRequest("'stream' is not supported on \(route.path).", param: "stream")
        }
        self.model = model
        self.stream = stream
        self.session = wire.session.flatMap { $0.isEmpty ? nil : $0 }
        self.prefix = wire.prefix
    }

    /// Reads the routing fields of a `multipart/form-data` body (audio transcription): its
    /// `model` field, in one pass over the parts without copying the file. Such answers are
    /// not streamed through the router.
    /// - Throws: ``OpenAIError`` (400) for a body that is not such a form, or has no `model`.
    public init(multipart body: ByteBuffer, contentType: String?) throws(OpenAIError) {
        let found: String?? = body.withUnsafeReadableBytes { raw in
            guard let reader = MultipartFormReader(raw.assumingMemoryBound(to: UInt8.self), contentType: contentType) else { return nil }
            return .some(reader.value(of: "model"))
        }
        guard let reader = found else {
            throw .invalidRequest("The request body must be multipart/form-data with a boundary.")
        }
        guard let model = reader?.trimmingCharacters(in: .whitespacesAndNewlines), !model.isEmpty else {
            throw .invalidRequest("You must provide a model parameter.", param: "model")
        }
        self.model = model
        self.stream = false
    }
}
