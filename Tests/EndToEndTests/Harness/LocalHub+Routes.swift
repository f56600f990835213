import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension LocalHub {
    static func router(_ state: State) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("api/models/:org/:name") { request, context in
            try await info(state, request: request, context: context, revision: nil)
        }
        router.get("api/models/:org/:name/revision/:revision") { request, context in
            try await info(state, request: request, context: context, revision: try context.parameters.require("revision"))
        }
        router.on(":org/:name/resolve/:revision/**", method: .get) { request, context in try await download(state, request: request, context: context)
        }
        router.on(":org/:name/resolve/:revision/**", method: .head) { request, context in
            try await download(state, request: request, context: context)
        }
        return router
    }

    private static func repoID(_ context: BasicRequestContext) throws -> String {
        "\(try context.parameters.require("org"))/\(try context.parameters.require("name"))"
    }

    private static func error(_ status: HTTPResponse.Status, code: String) -> Response {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Error-Code")!] = code
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"\#(code)"}"#)))
    }

    private static func info(_ state: State, request: Request, context: BasicRequestContext, revision: String?) async throws -> Response {
        guard let repo = await state.repo(try repoID(context)) else { return error(.unauthorized, code: "RepoNotFound") }
        if let revision, revision != "main", revision != repo.commit { return error(.notFound, code: "RevisionNotFound") }
        let siblings: [[String: Any]] = repo.files.map { file in
            var entry: [String: Any] = ["rfilename": file.path, "size": file.size, "blobId": file.blobID ?? String(repeating: "b", count: 40)]
            if let sha = file.sha256 { entry["lfs"] = ["sha256": sha, "size": file.size, "pointerSize": 134] }
            return entry
        }
        let document: [String: Any] = [
            "id": repo.id, "sha": repo.commit, "gated": repo.gated ? "manual" : false, "private": false,
            "tags": ["gguf"], "siblings": siblings,
        ]
        let data = try JSONSerialization.data(withJSONObject: document)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    private static func download(_ state: State, request: Request, context: BasicRequestContext) async throws -> Response {
        guard let repo = await state.repo(try repoID(context)) else { return error(.unauthorized, code: "RepoNotFound") }
        let path = context.parameters.getCatchAll().joined(separator: "/")
        guard let file = repo.files.first(where: { $0.path == path }) else { return error(.notFound, code: "EntryNotFound") }
        if repo.gated && request.headers[.authorization] != "Bearer \(LocalHub.token)" { return error(.unauthorized, code: "GatedRepo") }
        var start: Int64 = 0
        var status = HTTPResponse.Status.ok
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
        if let range = request.headers[.range], range.hasPrefix("bytes="), let from = Int64(range.dropFirst(6).split(separator: "-").first ?? "") {
            guard from < file.size else { return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(file.size)"]) }
            start = from
            status = .partialContent
            headers[.contentRange] = "bytes \(from)-\(file.size - 1)/\(file.size)"
        }
        headers[.contentLength] = String(file.size - start)
        if request.method == .head { return Response(status: status, headers: headers) }
        await state.started(path, at: start)
        let corrupt = await state.corrupt.contains(path)
        let first = start
        let body = ResponseBody { writer in
            let handle = try FileHandle(forReadingFrom: file.source)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(first))
            var offset = first
            while offset < file.size, let data = try handle.read(upToCount: 256 << 10), !data.isEmpty {
                var buffer = ByteBuffer(data: data)
                if corrupt && offset == 0 { buffer.setInteger(buffer.getInteger(at: 0, as: UInt8.self)! ^ 0xFF, at: 0) }
                try await writer.write(buffer)
                await state.sent(data.count, of: path)
                offset += Int64(data.count)
                if let rate = await state.bytesPerSecond[path] { try await Task.sleep(for: .milliseconds(data.count * 1000 / rate)) }
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}
