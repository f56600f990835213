import Foundation

/// Dashboard logins: a random session token (kept only as its hash) with its CSRF token,
/// valid for 12 hours after the last use. Kept in the router's database, so a restart keeps
/// operators logged in and every replica knows every session; each replica caches the ones it
/// has seen, and a logout is announced so that the others drop theirs.
actor DashboardSessions {
    /// A logged-in dashboard session.
    struct Session: Sendable {
        /// Sent back in `X-CSRF-Token` with every state-changing request.
        var csrf: String
        var lastUsed: Date
        /// When `lastUsed` was last written to the database (written at most once a minute).
        var storedUse: Date
    }

    /// The session cookie's name.
    static let cookieName = "switchyard_session"
    private var sessions: [String: Session] = [:]
    /// Logouts and forgets so far: a lookup that waited on the database across one must not
    /// cache what it read before it.
    private var closings: UInt64 = 0
    private let lifetime: TimeInterval
    private let database: (any RouterStorage)?

    /// - Parameter database: Where sessions are kept; nil keeps them in this process only.
    init(database: (any RouterStorage)? = nil, lifetime: Duration = .seconds(12 * 3600)) {
        self.database = database
        self.lifetime = Double(lifetime.components.seconds)
    }

    /// Opens a session; returns the cookie value and the CSRF token.
    func open() async throws -> (token: String, csrf: String) {
        let now = Date()
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastUsed) < lifetime }
        let token = RouterSecrets.randomToken()
        let csrf = RouterSecrets.randomToken()
        let hash = RouterSecrets.hash(token)
        _ = try await database?.transaction(
            [
                SQLStatement("DELETE FROM dashboard_session WHERE last_used < ?", [now.timeIntervalSince1970 - lifetime]),
                SQLStatement("INSERT INTO dashboard_session (hash, csrf, last_used) VALUES (?, ?, ?)", [hash, csrf, now.timeIntervalSince1970]),
            ],
            announcing: nil
        )
        sessions[hash] = Session(csrf: csrf, lastUsed: now, storedUse: now)
        return (token, csrf)
    }

    /// The live session for a cookie value, refreshed; nil when unknown or expired.
    func session(for token: String) async -> Session? {
        let key = RouterSecrets.hash(token)
        let closingsBefore = closings
        let session = await refreshed(key)
        guard closingsBefore == closings else {
            // A logout ran while this call waited on the database: what it read may be from
            // before. Read again, behind the logout's delete, and keep nothing cached.
            sessions[key] = nil
            return try? await cached(key)
        }
        sessions[key] = session
        return session
    }

    /// The session with this hash, its use refreshed; nil when unknown or expired. Once a
    /// minute the stored use is refreshed too, which tells of a logout elsewhere whose notice
    /// was lost (the row is gone).
    private func refreshed(_ key: String) async -> Session? {
        let now = Date()
        guard var session = try? await cached(key), now.timeIntervalSince(session.lastUsed) < lifetime else { return nil }
        session.lastUsed = now
        if let database, now.timeIntervalSince(session.storedUse) > 60 {
            let kept = try? await database.transaction(
                [SQLStatement("UPDATE dashboard_session SET last_used = ? WHERE hash = ? RETURNING hash", [now.timeIntervalSince1970, key])],
                announcing: nil
            )
            if kept?.isEmpty == true { return nil }  // (a failed write keeps the session)
            session.storedUse = now
        }
        return session
    }

    func close(_ token: String) {
        let key = RouterSecrets.hash(token)
        closings += 1
        sessions[key] = nil
        database?.submit([SQLStatement("DELETE FROM dashboard_session WHERE hash = ?", [key])], announcing: .sessionClosed(hash: key))
    }

    /// Drops a session closed through another replica.
    func forget(hash: String) {
        closings += 1
        sessions[hash] = nil
    }

    /// Drops every cached session, to be read again from the database (notices of logouts may
    /// have been missed).
    func forgetAll() {
        closings += 1
        sessions = [:]
    }

    /// The session with this hash: cached, or read from the database (opened elsewhere).
    private func cached(_ key: String) async throws -> Session? {
        if let session = sessions[key] { return session }
        guard let row = try await database?.query("SELECT csrf, last_used FROM dashboard_session WHERE hash = ?", [key]).first else {
            return nil
        }
        let lastUsed = Date(timeIntervalSince1970: try row.double("last_used"))
        return Session(csrf: try row.string("csrf"), lastUsed: lastUsed, storedUse: lastUsed)
    }
}
