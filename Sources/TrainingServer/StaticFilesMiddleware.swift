import Foundation
import HTTPTypes
import Hummingbird

/// Serves the browser UI from `Assets/web/` at `/` and the translation tables from `Assets/i18n/` at
/// `/i18n/`, for GET and HEAD outside `/api/`.
///
/// A path with `..`, a backslash, a NUL or a hidden segment (raw or percent-encoded, once or twice) is
/// refused with 400 before any file is looked at, and the resolved file must lie inside its folder.
struct StaticFilesMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let web: URL
    let i18n: URL

    init(assets: URL) {
        web = assets.appendingPathComponent("web", isDirectory: true).standardizedFileURL
        i18n = assets.appendingPathComponent("i18n", isDirectory: true).standardizedFileURL
    }

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "json": "application/json; charset=utf-8", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "woff2": "font/woff2", "txt": "text/plain; charset=utf-8", "map": "application/json",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let rawPath = request.uri.path
        guard request.method == .get || request.method == .head, !rawPath.hasPrefix("/api/"), rawPath != "/api"
        else { return try await next(request, context) }
        guard let relative = Self.safeRelativePath(rawPath) else {
            throw APIError.badRequest("The path is not allowed; ask for a file of the workspace by its plain name.")
        }
        let file: URL
        let root: URL
        if relative.hasPrefix("i18n/") {
            root = i18n
            file = i18n.appendingPathComponent(String(relative.dropFirst("i18n/".count)))
        } else {
            root = web
            // The public verification page has a short address of its own, to print on certificates.
            let name = relative.isEmpty ? "index.html" : (relative == "verify" ? "verify.html" : relative)
            file = web.appendingPathComponent(name)
        }
        let resolved = file.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard resolved.path.hasPrefix(root.resolvingSymlinksInPath().path + "/"),
            FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let bytes = FileManager.default.contents(atPath: resolved.path)
        else { throw APIError.notFound }
        let type = Self.contentTypes[resolved.pathExtension.lowercased()] ?? "application/octet-stream"
        var response = fileResponse(Array(bytes), contentType: type)
        if request.method == .head { response.body = .init() }
        return response
    }

    /// The path without its leading slash, or nil when it could climb out of its folder or name something
    /// odd. Checked on the raw text and after each of up to three rounds of percent-decoding.
    static func safeRelativePath(_ path: String) -> String? {
        var text = path
        for _ in 0..<3 {
            if !isPlain(text) { return nil }
            guard let decoded = text.removingPercentEncoding else { return nil }
            if decoded == text { break }
            text = decoded
        }
        guard isPlain(text), !text.contains("%") else { return nil }
        return String(text.drop { $0 == "/" })
    }

    private static func isPlain(_ text: String) -> Bool {
        if text.contains("\\") || text.contains("\0") || text.contains("//") { return false }
        for segment in text.split(separator: "/") where segment.hasPrefix(".") { return false }
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}
