import Foundation
import HTTPTypes
import NIOCore

/// The router's OpenAPI 3.1 document (`Sources/Router/Resources/openapi.json`, read once from
/// the resource bundle): served as it is at `/openapi.json`, and read for the methods each path
/// accepts, so a known path asked with another method is answered 405 with `Allow`.
struct APIDocument: Sendable {
    /// The document's bytes.
    let bytes: ByteBuffer
    /// Each path template's segments (`{name}` for a parameter) and the methods it accepts.
    let operations: [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    /// Reads the document from the router's resource bundle; nil when the bundle has no readable
    /// document (like the dashboard, the bundle must be installed next to the executable).
    static func load() -> APIDocument? {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            return nil
        }
        return APIDocument(data: data)
    }

    /// Reads `data`; nil when it is not an OpenAPI document with paths.
    init?(data: Data) {
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return nil }
        bytes = ByteBuffer(bytes: data)
        operations = paths.map { template, item in
            let methods = item.keys.filter(Self.methodNames.contains).compactMap { HTTPRequest.Method($0.uppercased()) }
            return (template.split(separator: "/"), Set(methods))
        }
    }

    /// The keys of a path item that name operations (the others are `parameters`, `summary`, …).
    private static let methodNames: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The methods a path accepts, or nil when no path template matches it. A parameter matches
    /// one segment, or the rest of the path when it ends the template (model IDs hold slashes);
    /// the closest templates win: one as long as the path over one whose last parameter takes
    /// the rest, then (as in OpenAPI) the fewest parameters (`/dashboard/login` over
    /// `/dashboard/{asset}`).
    func methods(for path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/")
        let rank = { (template: [Substring]) in [template.count == segments.count ? 0 : 1, template.count { $0.first == "{" }] }
        let matching = operations.filter { Self.matches($0.segments, segments) }
        guard let best = matching.map({ rank($0.segments) }).min(by: { $0.lexicographicallyPrecedes($1) }) else { return nil }
        return matching.filter { rank($0.segments) == best }.reduce(into: Set()) { $0.formUnion($1.methods) }
    }

    private static func matches(_ template: [Substring], _ segments: [Substring]) -> Bool {
        for (index, part) in template.enumerated() {
            guard index < segments.count else { return false }
            let isParameter = part.first == "{"
            if isParameter && index == template.count - 1 { return true }
            if !isParameter && part != segments[index] { return false }
        }
        return template.count == segments.count
    }
}
