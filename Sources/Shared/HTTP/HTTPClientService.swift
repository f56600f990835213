import AsyncHTTPClient
import ServiceLifecycle

/// Shuts the process's HTTP client down when the service group stops.
public struct HTTPClientService: Service {
    /// The client to shut down.
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// Waits for graceful shutdown, then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
