import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Shared

/// Downloads one artifact file into a `.partial` file, resuming with an HTTP range request from
/// what is already on disk, then verifies it and renames it into place.
struct FileFetcher: Sendable {
    let client: HTTPClient
    let settings: DownloadSettings
    let limiter: BandwidthLimiter?
    let logger: Logger

    /// Fetches `file` to `destination` (the final name; the partial sits beside it).
    /// - Parameter progress: Called with the bytes on disk so far.
    /// - Throws: ``DownloadFailure``.
    func fetch(_ file: ArtifactFile, to destination: URL, progress: @Sendable (Int64) async -> Void) async throws {
        if FileManager.default.fileExists(atPath: destination.path) { return }
        guard settings.allows(file.url) else {
            throw DownloadFailure.permanent("its URL is not from an allowed origin (allow the hub with --download-origin or HF_ENDPOINT)")
        }
        let partial = destination.appendingPathExtension("partial")
        if !FileManager.default.fileExists(atPath: partial.path) { _ = FileManager.default.createFile(atPath: partial.path, contents: nil) }
        var offset = Int64(try FileManager.default.attributesOfItem(atPath: partial.path)[.size] as? Int ?? 0)
        if offset < file.sizeBytes {
            offset = try await transfer(file, into: partial, from: offset, progress: progress)
        }
        // Hashing gigabytes takes seconds: on NIO's blocking-work pool, not an event loop.
        if let problem = try await NIOThreadPool.singleton.runIfActive({ try FileDigest.mismatch(of: partial, against: file) }) {
            try? FileManager.default.removeItem(at: partial)
            throw DownloadFailure.permanent("\(file.path): \(problem)")
        }
        try FileManager.default.moveItem(at: partial, to: destination)
    }

    /// Streams the file from `offset` (a range request when above zero) into `partial`.
    /// - Returns: The size on disk afterwards.
    private func transfer(
        _ file: ArtifactFile,
        into partial: URL,
        from offset: Int64,
        progress: @Sendable (Int64) async -> Void
    ) async throws -> Int64 {
        var request = HTTPClientRequest(url: file.url)
        if offset > 0 { request.headers.add(name: "range", value: "bytes=\(offset)-") }
        if let token = settings.token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .distantFuture, logger: logger)
        } catch {
            throw DownloadFailure.transient(NetworkErrorSummary.describe(error))
        }
        var written = offset
        switch response.status.code {
        case 206:
            let start = response.headers.first(name: "content-range").flatMap(Self.rangeStart)
            guard start == offset else { throw DownloadFailure.transient("the hub answered a range from byte \(start.map(String.init) ?? "?")") }
        case 200:
            written = 0  // the server ignored the range: start over
        case 416 where offset >= file.sizeBytes:
            return offset
        case 401, 403:
            throw DownloadFailure.permanent("the hub refused the download (\(response.status.code)); a gated repository needs HF_TOKEN on this agent")
        case 404:
            throw DownloadFailure.permanent("the hub has no file \(file.path) at this commit")
        default:
            throw DownloadFailure.transient("the hub answered \(response.status.code)")
        }
        let handle = try FileHandle(forWritingTo: partial)
        defer { try? handle.close() }
        try handle.truncate(atOffset: UInt64(written))
        try handle.seek(toOffset: UInt64(written))
        do {
            for try await chunk in response.body {
                // A write can stall while the kernel flushes dirty pages: not on an event loop.
                try await NIOThreadPool.singleton.runIfActive { try handle.write(contentsOf: chunk.readableBytesView) }
                written += Int64(chunk.readableBytes)
                guard written <= file.sizeBytes else { throw DownloadFailure.permanent("\(file.path) is larger than the hub says") }
                await progress(written)
                try await limiter?.reserve(chunk.readableBytes)
            }
        } catch let failure as DownloadFailure {
            throw failure
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw DownloadFailure.transient("the transfer broke off at byte \(written): \(NetworkErrorSummary.describe(error))")
        }
        guard written == file.sizeBytes else { throw DownloadFailure.transient("the transfer ended at byte \(written) of \(file.sizeBytes)") }
        return written
    }

    /// The first byte of `bytes START-END/TOTAL`.
    static func rangeStart(_ header: String) -> Int64? {
        guard let spec = header.split(separator: " ").last, let start = spec.split(separator: "-").first else { return nil }
        return Int64(start)
    }
}

/// Why a download stopped.
enum DownloadFailure: Error, Equatable, CustomStringConvertible {
    /// Worth retrying later (network, server error, short transfer).
    case transient(String)
    /// Retrying cannot help (checksum mismatch, refused, missing file).
    case permanent(String)

    var description: String {
        switch self {
        case .transient(let reason), .permanent(let reason): reason
        }
    }
}
