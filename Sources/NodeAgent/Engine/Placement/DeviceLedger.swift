/// The memory engines hold on each device of the backend they compute on, and where the next
/// engine goes. A value type the engine pool owns; every rule is a pure function, tested with
/// fixtures.
///
/// Placement: on one device when the engine fits one, choosing the device with the fewest
/// engines (then the most memory left) so engines spread over the GPUs; split across devices in
/// proportion to their free memory when only their sum fits; nowhere otherwise.
struct DeviceLedger: Sendable, Equatable {
    struct Account: Codable, Sendable, Equatable {
        var name: String
        /// What engines may hold here.
        var capacityBytes: Int64
        var usedBytes: Int64 = 0
        var engines = 0

        enum CodingKeys: String, CodingKey {
            case name, engines
            case capacityBytes = "capacity_bytes"
            case usedBytes = "used_bytes"
        }

        var freeBytes: Int64 { max(0, capacityBytes - usedBytes) }
    }

    var backend: Backend
    private(set) var accounts: [Account]

    init(backend: Backend, accounts: [Account]) {
        self.backend = backend
        self.accounts = accounts
    }

    /// Where `bytes` would go now, or nil when no device, nor all of them together, has room.
    func place(_ bytes: Int64) -> Placement? {
        let fitting = accounts.filter { $0.freeBytes >= bytes }
        if let best = fitting.min(by: { ($0.engines, -$0.freeBytes) < ($1.engines, -$1.freeBytes) }) {
            return Placement(backend: backend, devices: [best.name], bytes: [bytes])
        }
        let open = accounts.filter { $0.freeBytes > 0 }
        let free = open.reduce(Int64(0)) { $0 + $1.freeBytes }
        guard open.count > 1, free >= bytes else { return nil }
        // Shares in proportion to free memory; the last device takes the rounding remainder.
        var shares = open.map { Int64((Double(bytes) * Double($0.freeBytes) / Double(free)).rounded(.down)) }
        shares[shares.count - 1] += bytes - shares.reduce(0, +)
        return Placement(backend: backend, devices: open.map(\.name), bytes: shares)
    }

    /// Books a placement's memory.
    mutating func reserve(_ placement: Placement) {
        apply(placement, sign: 1)
    }

    /// Returns a placement's memory.
    mutating func release(_ placement: Placement) {
        apply(placement, sign: -1)
    }

    /// The most memory left on one device.
    var largestFreeBytes: Int64 { accounts.map(\.freeBytes).max() ?? 0 }
    /// Bytes free on all devices together.
    var freeBytes: Int64 { accounts.reduce(0) { $0 + $1.freeBytes } }

    private mutating func apply(_ placement: Placement, sign: Int64) {
        for (name, bytes) in zip(placement.devices, placement.bytes) {
            guard let index = accounts.firstIndex(where: { $0.name == name }) else { continue }
            accounts[index].usedBytes += sign * bytes
            accounts[index].engines += Int(sign)
        }
    }
}
