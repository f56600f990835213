import Synchronization

/// Request IDs for requests that arrive without an `X-Request-ID`: a random prefix drawn once
/// per process and a counter, so they are unique across restarts and cost no system call
/// (Foundation's `UUID()` opens `/dev/urandom` each time).
enum RequestIDs {
    private static let prefix = String(UInt64.random(in: 0...UInt64.max) | 1 << 63, radix: 16)
    private static let counter = Atomic<UInt64>(0)

    /// A new ID, such as `c3a91f0e5b7d2a64-1f`.
    static func next() -> String {
        let number = counter.add(1, ordering: .relaxed).newValue
        return prefix + "-" + String(number, radix: 16)
    }
}
