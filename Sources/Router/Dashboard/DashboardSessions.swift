import Foundation

/// Dashboard logins: a random session token (kept only as its hash) with its CSRF token,
/// valid for 12 hours after the last use. In memory: a router restart asks operators to log in
/// again.
actor DashboardSessions {
    /// A logged-in dashboard session.
    struct Session: Sendable {
        /// Sent back in `X-CSRF-Token` with every state-changing request.
        var csrf: String
        var lastUsed: ContinuousClock.Instant
    }

    /// The session cookie's name.
    static let cookieName = "switchyard_session"
    private var sessions: [String: Session] = [:]
    private let lifetime: Duration

    init(lifetime: Duration = .seconds(12 * 3600)) {
        self.lifetime = lifetime
    }

    /// Opens a session; returns the cookie value and the CSRF token.
    func open() -> (token: String, csrf: String) {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastUsed < lifetime }
        let token = RouterSecrets.randomToken()
        let csrf = RouterSecrets.randomToken()
        sessions[RouterSecrets.hash(token)] = Session(csrf: csrf, lastUsed: now)
        return (token, csrf)
    }

    /// The live session for a cookie value, refreshed; nil when unknown or expired.
    func session(for token: String) -> Session? {
        let key = RouterSecrets.hash(token)
        guard var session = sessions[key], ContinuousClock.now - session.lastUsed < lifetime else {
            sessions[key] = nil
            return nil
        }
        session.lastUsed = .now
        sessions[key] = session
        return session
    }

    func close(_ token: String) {
        sessions[RouterSecrets.hash(token)] = nil
    }
}
