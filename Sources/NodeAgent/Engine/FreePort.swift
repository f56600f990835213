import Foundation
import NIOCore
import NIOPosix

/// Finds a free TCP port on the loopback interface.
enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, and releases it.
    static func find() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .wait()
        defer { try? channel.close().wait() }
        guard let port = channel.localAddress?.port else { throw EngineError.cannotStart(model: "-", reason: "no free loopback port") }
        return port
    }
}
