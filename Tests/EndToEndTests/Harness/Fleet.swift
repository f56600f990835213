import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A router and agents started from the built binaries on free loopback ports, each with its
/// own data, models and log directories. Use ``withFleet(_:)`` so every process is stopped and,
/// when the test fails, every log is printed.
final class Fleet: @unchecked Sendable {
    let environment: TestEnvironment
    let directory: URL
    let adminKey = "test-admin-" + UUID().uuidString
    let nodeToken = "test-node-" + UUID().uuidString
    private(set) var router: ManagedProcess!
    private(set) var routerURL = ""
    private(set) var agents: [ManagedProcess] = []
    private var processes: [ManagedProcess] = []
    /// Extra environment for the router (e.g. `HF_ENDPOINT`), kept across restarts.
    var routerEnvironment: [String: String] = [:]
    /// The client requests to the router and agents go through (one trusting a test's private
    /// CA when they serve HTTPS).
    var client = HTTPClient.shared

    init(environment: TestEnvironment) throws {
        self.environment = environment
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts the router (on `port`, or a free one) and waits until it listens.
    func startRouter(port: Int = 0, extraArguments: [String] = []) async throws {
        let process = try launch(
            name: router == nil ? "router" : "router-\(processes.count)",
            binary: "switchyard-router",
            arguments: [
                "serve", "--port", String(port), "--data-dir", directory.appendingPathComponent("router").path,
                "--heartbeat-interval", "0.5",
            ] + extraArguments,
            environment: routerEnvironment
        )
        router = process
        let scheme = extraArguments.contains("--tls-cert") ? "https" : "http"
        routerURL = "\(scheme)://127.0.0.1:\(try await process.listeningPort())"
    }

    /// Stops the router and starts a new one on the same port with the same data directory.
    func restartRouter() async throws {
        let port = try await router.listeningPort()
        await router.stop()
        try await startRouter(port: port)
    }

    /// Starts an agent and (unless told not to) waits until it has registered with the router
    /// (``routerURL``, or `router`: one URL or several, comma-separated).
    @discardableResult
    func startAgent(
        name: String = "agent",
        port: Int = 0,
        modelsDirectory: URL? = nil,
        llamaServer: URL? = nil,
        extraArguments: [String] = [],
        environment extra: [String: String] = [:],
        waitForRegistration: Bool = true,
        router: String? = nil
    ) async throws -> ManagedProcess {
        let process = try launch(
            name: processes.contains { $0.name == name } ? "\(name)-\(processes.count)" : name,
            binary: "switchyard-agent",
            arguments: [
                "serve", "--router", router ?? routerURL, "--host", "127.0.0.1", "--port", String(port),
                "--models-dir", (modelsDirectory ?? environment.modelsDirectory).path,
                "--llama-server", (llamaServer ?? environment.llamaServer).path,
                "--log-dir", directory.appendingPathComponent("\(name)-engines").path,
                // Stopped at the end of every test: no drain delay unless a test asks for one.
                "--drain-delay", "0",
            ] + extraArguments,
            environment: extra
        )
        agents.append(process)
        if waitForRegistration { _ = try await process.waitForLogLine(containing: "registered with router") }
        return process
    }

    /// Starts one of the built executables (or `program`, any other), stopped with the fleet.
    func launch(
        name: String,
        binary: String = "",
        program: URL? = nil,
        arguments: [String],
        environment extra: [String: String] = [:]
    ) throws -> ManagedProcess {
        let process = try ManagedProcess(
            name: name,
            executable: program ?? environment.binDirectory.appendingPathComponent(binary),
            arguments: arguments,
            environment: ["SWITCHYARD_ADMIN_KEY": adminKey, "SWITCHYARD_NODE_TOKEN": nodeToken].merging(extra) { $1 },
            logDirectory: directory
        )
        processes.append(process)
        return process
    }

    /// Runs `switchyard-router keys …` on this fleet's router data directory; returns stdout.
    func keysCommand(_ arguments: [String]) async throws -> String {
        try environment.run("switchyard-router", ["keys"] + arguments + ["--data-dir", directory.appendingPathComponent("router").path])
    }

    /// Runs `switchyard-router endpoints ARGUMENTS` against this fleet's router with its admin
    /// key and `environment`; returns what it printed.
    func endpointsCommand(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let admin = ["SWITCHYARD_ADMIN_KEY": adminKey].merging(environment) { $1 }
        return try self.environment.run("switchyard-router", ["endpoints"] + arguments + ["--router", routerURL], environment: admin)
    }

    /// Sends a request to the router (or the one at `base`) with the admin key (or `key`).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        body: ByteBuffer? = nil,
        key: String? = nil,
        headers: [String: String] = [:],
        at base: String? = nil
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: (base ?? routerURL) + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key ?? adminKey)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        if let body { request.body = .bytes(body) }
        return try await client.execute(request, timeout: .seconds(120))
    }

    /// Sends a request and collects the whole answer.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        body: ByteBuffer? = nil,
        key: String? = nil,
        headers: [String: String] = [:],
        at base: String? = nil
    ) async throws -> (status: Int, body: String) {
        let response = try await send(method, path, json: json, body: body, key: key, headers: headers, at: base)
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// A models directory of this fleet's own, holding links to the chosen bundled models.
    func modelsDirectory(_ name: String, models: [String]) throws -> URL {
        let root = directory.appendingPathComponent(name)
        for model in models {
            let link = root.appendingPathComponent(model)
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: environment.modelsDirectory.appendingPathComponent(model))
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// Sends a request straight to an agent with the node token.
    func callAgent(_ agent: ManagedProcess, _ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(try await agent.listeningPort())" + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(nodeToken)")
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out after \(timeout) waiting for: \(what)")
    }

    /// Every process's log, for a failing test's output.
    var diagnostics: String {
        var text = ""
        let logs = (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? []
        for path in logs.sorted() where path.hasSuffix(".log") {
            let content = (try? String(contentsOfFile: directory.appendingPathComponent(path).path, encoding: .utf8)) ?? ""
            text += "----- \(path) (last 40 lines) -----\n" + content.split(separator: "\n").suffix(40).joined(separator: "\n") + "\n"
        }
        return text
    }

    /// Stops every process and removes the fleet's directory.
    func stop() async {
        for process in processes.reversed() { await process.stop() }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a started router and one agent (unless `agents` says otherwise); stops all
/// processes afterwards, and prints every log when `body` throws.
func withFleet<T>(
    agents: Int = 1,
    routerArguments: [String] = [],
    routerEnvironment: [String: String] = [:],
    _ body: (Fleet) async throws -> T
) async throws -> T {
    let fleet = try Fleet(environment: try TestEnvironment.load())
    fleet.routerEnvironment = routerEnvironment
    do {
        try await fleet.startRouter(extraArguments: routerArguments)
        for index in 0..<agents { try await fleet.startAgent(name: "agent-\(index + 1)") }
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        print("end-to-end failure: \(error)\n\(fleet.diagnostics)")
        await fleet.stop()
        throw error
    }
}
