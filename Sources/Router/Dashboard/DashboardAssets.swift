import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard's page, script and style sheet, read once from the package's resources.
struct DashboardAssets: Sendable {
    struct Asset: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    let assets: [String: Asset]

    /// The dashboard's folder in the router's resource bundle (`switchyard_SwitchyardRouter.resources`
    /// next to the executable), or nil when it was not installed with it.
    static var directory: URL? {
        Bundle.module.url(forResource: "Dashboard", withExtension: nil)
    }

    /// The dashboard's files, or a page explaining that they are missing.
    static func loadOrPlaceholder() -> DashboardAssets {
        if let assets = try? load() { return assets }
        let page = """
            <!doctype html><html lang="en"><meta charset="utf-8"><title>Switchyard dashboard</title>
            <p>The dashboard's files are missing: install the <code>switchyard_SwitchyardRouter.resources</code>
            folder from the build next to the <code>switchyard-router</code> executable.</p></html>
            """
        return DashboardAssets(assets: ["index.html": Asset(contentType: "text/html; charset=utf-8", bytes: ByteBuffer(string: page))])
    }

    /// Loads `Resources/Dashboard` from the router's resource bundle; nil when it is not there.
    static func load() throws -> DashboardAssets? {
        guard let directory else { return nil }
        let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]
        var assets: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            guard let type = types[(name as NSString).pathExtension] else { continue }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            assets[name] = Asset(contentType: type, bytes: ByteBuffer(bytes: data))
        }
        return DashboardAssets(assets: assets)
    }

    /// The asset as a response with strict security headers, or nil when there is none by that name.
    func response(for name: String) -> Response? {
        guard let asset = assets[name] else { return nil }
        let headers: HTTPFields = [
            .contentType: asset.contentType,
            .cacheControl: "no-cache",
            .contentSecurityPolicy:
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
