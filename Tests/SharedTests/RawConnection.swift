import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP connection that sends exactly the bytes a test gives it, for requests an HTTP client
/// would refuse to send (oversized heads, garbage, a byte at a time).
struct RawConnection {
    /// What came back, and whether the server closed the connection before the test's sender
    /// had finished.
    struct Outcome {
        var received: String
        var sentAll: Bool

        /// The status code of the first answer in `received`, if there is one.
        var status: Int? {
            received.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        }

        /// The body of the first answer (everything after its head).
        var body: String {
            received.range(of: "\r\n\r\n").map { String(received[$0.upperBound...]) } ?? ""
        }

        /// The value of header `name` in the first answer.
        func header(_ name: String) -> String? {
            let head = received.components(separatedBy: "\r\n\r\n").first ?? ""
            return head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// A connection that only stays open (it holds one of the server's places); close it
    /// with `channel.close()`.
    static func open(port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
    }

    /// Connects to `port`, sends `chunks` with `pause` between them (stopping if the server
    /// closes), and reads until the server closes the connection or `limit` passes.
    static func exchange(port: Int, _ chunks: [String], pause: Duration = .zero, limit: Duration = .seconds(10)) async throws -> Outcome {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                let finished = NIOLockedValueBox(false)
                let sender = Task {
                    for (index, chunk) in chunks.enumerated() {
                        if index > 0, pause > .zero { try await Task.sleep(for: pause) }
                        try await outbound.write(ByteBuffer(string: chunk))
                    }
                    finished.withLockedValue { $0 = true }
                }
                group.addTask {
                    var received = ""
                    do {
                        for try await buffer in inbound { received += String(buffer: buffer) }
                    } catch let error as IOError where error.errnoCode == ECONNRESET {
                        // The server closed with bytes of ours unread: closed all the same.
                        received += "<reset>"
                    }
                    // The server closed: did the sender get everything out first?
                    return Outcome(received: received, sentAll: finished.withLockedValue { $0 })
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { sender.cancel() }
                let first = try await group.next() ?? nil
                group.cancelAll()
                guard let first else { throw TimeLimitExceeded() }
                return first
            }
        }
    }

    /// The server did not close the connection within the test's limit.
    struct TimeLimitExceeded: Error {}
}
