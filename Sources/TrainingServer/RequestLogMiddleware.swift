import Foundation
import Hummingbird
import Logging
import NIOCore

/// One log line per request, at `info`: method, path (never the query, a body, a cookie or a header), status
/// and duration in milliseconds, e.g. `GET /api/assignments/4 200 3.1 ms`. Nothing of a request's content
/// reaches the log: passwords, session and CSRF tokens and answer keys cannot appear there (tested).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = NIODeadline.now()
        let response = try await next(request, context)
        let milliseconds = Double((NIODeadline.now() - started).nanoseconds) / 1_000_000
        context.logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms",
            metadata: [
                "status": "\(response.status.code)", "ms": "\(String(format: "%.1f", milliseconds))",
                "client": "\(context.clientAddress)",
            ])
        return response
    }
}
