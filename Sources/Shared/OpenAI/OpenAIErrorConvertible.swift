/// An error in a module's own vocabulary (routing, registration, the agent's engines) that
/// knows the envelope a client gets for it. Modules throw their own errors;
/// ``APIErrorMiddleware``, the HTTP edge, renders them, so nothing below the controllers
/// builds envelopes or compares error codes as strings.
public protocol OpenAIErrorConvertible: Error {
    /// The status, message, type, parameter and code the client sees.
    var openAIError: OpenAIError { get }
}
