import HTTPTypes
import Hummingbird
import Logging

/// Turns every error thrown below it into the API's own error shape: OpenAI's envelope, or
/// Anthropic's error document on `/v1/messages` and below (``APIDialect``).
///
/// `OpenAIError`s render themselves, and a module's own errors through
/// ``OpenAIErrorConvertible``. Hummingbird's own `HTTPError`s (unknown route, body over the
/// limit, undecodable JSON) keep their status and get the matching envelope. Anything else is an
/// internal failure: it is logged with the request's logger and the client gets a bare 500 envelope.
public struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The body limit of inference requests (under `/v1/`), reported in their 413 answers;
    /// other bodies (admin documents, logins) are held to the context's `maxUploadSize`.
    public let bodyLimit: Int

    /// Creates the middleware.
    /// - Parameter bodyLimit: The inference body limit in bytes, quoted in 413 answers.
    public init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    /// Runs the rest of the chain and maps its errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AnthropicError {
            throw error
        } catch {
            let limit = request.uri.path.hasPrefix("/v1/") ? bodyLimit : context.maxUploadSize
            let mapped = map(error, path: request.uri.path, bodyLimit: limit, logger: context.logger)
            switch APIDialect.of(path: request.uri.path) {
            case .openAI: throw mapped
            case .anthropic: throw AnthropicError(mapped)
            }
        }
    }

    /// The OpenAI error for any error thrown below.
    private func map(_ error: any Error, path: String, bodyLimit: Int, logger: Logger) -> OpenAIError {
        switch error {
        case let error as OpenAIError:
            return error
        case let error as any OpenAIErrorConvertible:
            return error.openAIError
        case let error as HTTPError:
            return Self.translate(error.status, message: error.body, headers: error.headers, path: path, bodyLimit: bodyLimit)
        case let error as any HTTPResponseError:
            // Hummingbird's own errors, such as the body limit being exceeded while collecting.
            return Self.translate(error.status, message: nil, headers: [:], path: path, bodyLimit: bodyLimit)
        case is CancellationError:
            return OpenAIError(status: .init(code: 499), message: "Client closed the request.", type: "invalid_request_error")
        default:
            logger.error("request failed", metadata: ["error": "\(error)"])
            return OpenAIError.internalError()
        }
    }

    static func translate(_ status: HTTPResponse.Status, message: String?, headers: HTTPFields, path: String, bodyLimit: Int) -> OpenAIError {
        switch status {
        case .notFound:
            return .routeNotFound(path)
        case .contentTooLarge:
            return .requestTooLarge(limit: bodyLimit)
        case .badRequest:
            return .invalidRequest("The request body is not valid JSON for this endpoint.")
        case .methodNotAllowed:
            return OpenAIError(status: .methodNotAllowed, message: "Method not allowed on '\(path)'.", type: "invalid_request_error")
        case .unauthorized:
            return .invalidAPIKey()
        default:
            var mapped = OpenAIError(
                status: status,
                message: message ?? status.reasonPhrase,
                type: status.code >= 500 ? "server_error" : "invalid_request_error"
            )
            mapped.headers.append(contentsOf: headers)
            return mapped
        }
    }
}
