import Testing

@testable import SwitchyardRouter

/// `--database` URLs in libpq's form, and the errors for those that cannot be used, which
/// never repeat the URL (it may hold a password).
@Suite struct DatabaseLocationTests {
    func target(_ url: String) throws -> PostgresTarget {
        guard case .postgres(let target) = try DatabaseLocation.postgres(url: url) else { throw TestFailure("not PostgreSQL") }
        return target
    }

    @Test func urlsInLibpqForm() throws {
        let full = try target("postgresql://router:p%40ss@db.internal:6432/fleet?sslmode=verify-full")
        guard case .tcp(let host, let port) = full.endpoint else { throw TestFailure("not TCP") }
        #expect(host == "db.internal" && port == 6432)
        #expect(full.username == "router" && full.password == "p@ss" && full.database == "fleet" && full.sslMode == .verifyFull)

        let socket = try target("postgres://router@/fleet?host=/run/postgresql")
        guard case .socket(let path) = socket.endpoint else { throw TestFailure("not a socket") }
        #expect(path == "/run/postgresql/.s.PGSQL.5432" && socket.sslMode == .prefer && socket.password == nil)
        #expect(try target("postgres://router@db").database == "router", "the database defaults to the user's name")
    }

    @Test(arguments: ["mysql://u@h/d", "postgres:///d", "postgres://u:secret@h/d?sslmode=maybe", "not a url"])
    func unusableURLsAreRefusedWithoutRepeatingThem(_ url: String) {
        #expect {
            _ = try DatabaseLocation.postgres(url: url)
        } throws: { error in
            !"\(error)".contains("secret") && !"\(error)".contains(url)
        }
    }
}
