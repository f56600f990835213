/// Slows down guessing the admin key at the dashboard's login: an address with `perAddress`
/// failed logins within `window` is refused (429, before its key is even checked) until the
/// oldest of them leaves the window; all addresses together get `overall` failures per window,
/// which bounds guessing from many addresses (or from behind one proxy). A success clears its
/// address. In memory: a restart forgets, which costs a guesser nothing it did not have.
actor LoginThrottle {
    let perAddress: Int
    let overall: Int
    let window: Duration
    private let elapsed: @Sendable () -> Duration
    /// When each recent failure happened, by address ("" when unknown).
    private var failures: [String: [Duration]] = [:]
    private var all: [Duration] = []

    init(perAddress: Int = 10, overall: Int = 100, window: Duration = .seconds(300), elapsed: (@Sendable () -> Duration)? = nil) {
        self.perAddress = perAddress
        self.overall = overall
        self.window = window
        let start = ContinuousClock.now
        self.elapsed = elapsed ?? { ContinuousClock.now - start }
    }

    /// How long `address` must wait before it may try again, or nil when it may try now.
    func refusal(for address: String?) -> Duration? {
        let now = elapsed()
        forgetOld(now)
        let mine = failures[address ?? ""] ?? []
        var waits: [Duration] = []
        if mine.count >= perAddress, let oldest = mine.first { waits.append(oldest + window - now) }
        if all.count >= overall, let oldest = all.first { waits.append(oldest + window - now) }
        return waits.max()
    }

    func failed(_ address: String?) {
        let now = elapsed()
        failures[address ?? "", default: []].append(now)
        all.append(now)
    }

    func succeeded(_ address: String?) {
        failures[address ?? ""] = nil
    }

    private func forgetOld(_ now: Duration) {
        let cutoff = now - window
        all.removeAll { $0 <= cutoff }
        for (address, times) in failures {
            let recent = times.filter { $0 > cutoff }
            failures[address] = recent.isEmpty ? nil : recent
        }
    }
}
