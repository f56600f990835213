import NIOCore
import NIOPosix

/// Finds a free TCP port on the loopback interface.
enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, and releases it.
    static func find() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress?.port
        try? await channel.close().get()
        guard let port else { throw EngineError.cannotStart(model: "-", reason: "no free loopback port") }
        return port
    }
}
