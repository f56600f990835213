import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// nginx in front of router replicas, as an operator would run it (docs/operations.md): no
/// buffering (streams pass as they come), request bodies kept so a request can be resent, and
/// a request whose replica fails before answering retried on the next one.
struct LoadBalancer {
    let process: ManagedProcess
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts nginx in the fleet's directory, balancing over `replicas` (base URLs).
    static func start(in fleet: Fleet, over replicas: [String]) async throws -> LoadBalancer {
        let directory = fleet.directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try freePort()
        let servers = replicas.map { "server \($0.replacingOccurrences(of: "http://", with: "")) max_fails=1 fail_timeout=1s;" }
        let configuration = """
            worker_processes 1;
            pid \(directory.path)/nginx.pid;
            error_log stderr warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(directory.path)/body;
                proxy_temp_path \(directory.path)/proxy;
                upstream routers {
                    \(servers.joined(separator: "\n        "))
                    keepalive 32;
                }
                server {
                    listen 127.0.0.1:\(port);
                    client_max_body_size 16m;
                    client_body_buffer_size 16m;
                    location / {
                        proxy_pass http://routers;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_read_timeout 300s;
                        proxy_next_upstream error timeout http_502 non_idempotent;
                        proxy_next_upstream_tries 3;
                    }
                }
            }
            """
        let file = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let process = try fleet.launch(
            name: "nginx",
            program: URL(fileURLWithPath: "/usr/sbin/nginx"),
            arguments: ["-c", file.path, "-p", directory.path, "-g", "daemon off;"]
        )
        try await fleet.eventually("nginx listens", timeout: .seconds(10)) { canConnect(port: port) }
        return LoadBalancer(process: process, port: port)
    }

    /// A port nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
