#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors, which bounds its connections: a proxied
/// request holds two (the client's and the upstream's). Many systems start processes with a
/// soft limit of 1024 (macOS: 256) under a far higher hard limit; servers raise it.
public enum OpenFileLimit {
    /// Raises the soft limit as far as allowed: to the hard limit on Linux, to the smaller of
    /// the hard limit and `OPEN_MAX` on macOS (which refuses more).
    /// - Returns: The soft limit now in force.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        #if os(Linux)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        var wanted = limit.rlim_max
        #if canImport(Darwin)
        wanted = min(wanted, rlim_t(OPEN_MAX))
        #endif
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
