import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Storage

/// An error the API answers with: a status and `{"error": {"code", "message", "field"?}}`.
///
/// Messages name what was wrong and what to do; they never carry key data, nor say whether a foreign id
/// exists (`not-found` is the same for both).
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds to wait before trying again (the `Retry-After` header of 429 and 503).
    public var retryAfterSeconds: Int?
    /// Every problem of a refused form or file (a CSV by line, a spec by field), when there are several.
    public var problems: [Problem]?

    /// One problem of a refused form or file: where (line, field) and what to do.
    public struct Problem: Encodable, Sendable {
        public var line: Int?
        public var field: String?
        public var message: String
        public init(line: Int? = nil, field: String? = nil, message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }

    public init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil,
        problems: [Problem]? = nil, retryAfterSeconds: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.problems = problems
        self.retryAfterSeconds = retryAfterSeconds
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, "bad-request", message, field: field)
    }
    static let unauthenticated = APIError(.unauthorized, "unauthenticated", "Sign in first (POST /api/login).")
    static let csrf = APIError(
        .forbidden, "csrf", "Send the X-CSRF-Token header with the token from /api/login or /api/me.")
    static let notFound = APIError(.notFound, "not-found", "Nothing here; check the address.")
    static func conflict(_ message: String, field: String? = nil) -> APIError {
        APIError(.conflict, "conflict", message, field: field)
    }
    static func stageLocked(_ message: String) -> APIError { APIError(.conflict, "stage-locked", message) }
    static func notOpen(_ opens: Instant) -> APIError {
        APIError(.conflict, "not-open", "This assignment opens at \(opens) (server time); come back then.")
    }
    static func closed(_ closes: Instant) -> APIError {
        APIError(.conflict, "closed", "This assignment closed at \(closes) (server time); no more decisions are taken.")
    }
    static func timeUp(_ deadline: Instant) -> APIError {
        APIError(
            .conflict, "time-up",
            "The time for this case ran out at \(deadline) (server time); the stages decided so far are what counts.")
    }
    static let tooLarge = APIError(
        .contentTooLarge, "too-large",
        "The request body is over \(TrainingServer.maximumBodyBytes / 1024) KiB; send less.")
    static func throttled(retryAfterSeconds seconds: Int) -> APIError {
        let wait = seconds < 120 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
        return APIError(
            .tooManyRequests, "throttled",
            "Too many failed sign-ins from this machine; try again in \(wait), or ask an instructor to unlock the account.",
            retryAfterSeconds: seconds)
    }
    static let busy = APIError(
        .serviceUnavailable, "busy", "The server is checking many passwords at once; try again in a few seconds.",
        retryAfterSeconds: 2)
    static let unavailable = APIError(
        .serviceUnavailable, "unavailable",
        "The server cannot reach its database just now (it may be restarting); try again in a few seconds.",
        retryAfterSeconds: 5)
    static let internalError = APIError(
        .internalServerError, "internal",
        "Something went wrong on the server; try again, and tell the instructor if it persists.")

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var field: String?
            var problems: [Problem]?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = jsonResponse(
            Body(error: .init(code: code, message: message, field: field, problems: problems)), status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}

/// Turns every error into the API's JSON error shape; anything unexpected becomes a 500 `internal` (logged,
/// never shown).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let mapped: APIError
            switch error.status {
            case .notFound, .methodNotAllowed: mapped = .notFound
            case .contentTooLarge: mapped = .tooLarge
            case .badRequest: mapped = .badRequest("The request is malformed; check the address and the body.")
            case .unauthorized: mapped = .unauthenticated
            default: mapped = APIError(error.status, "bad-request", "The request cannot be served as sent.")
            }
            response = try mapped.response(from: request, context: context)
        } catch let error as StorageError where error.code == "unavailable" {
            // The database is restarting or out of reach: the client may try again; the details go to the log.
            context.logger.warning("Store unavailable on \(request.method) \(request.uri.path): \(error.message)")
            response = try APIError.unavailable.response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            // A chunked body has no length to check first; collecting it stops at the limit.
            response = try APIError.tooLarge.response(from: request, context: context)
        } catch is HTTPParserError {
            // Broken framing found while reading the body (a bad chunk size, an overflow).
            response = try APIError.badRequest("The request's framing is malformed (HTTP/1.1 chunks or lengths).")
                .response(from: request, context: context)
        } catch {
            context.logger.error("Unexpected error on \(request.method) \(request.uri.path): \(error)")
            response = try APIError.internalError.response(from: request, context: context)
        }
        response.headers[Self.contentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        if request.uri.path.hasPrefix("/api/"), response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}

/// The JSON encoder of every answer: sorted keys, slashes as they are.
let responseEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}()

/// A JSON response of an encodable value.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(body: jsonBody(value), status: status)
}

/// The JSON bytes of an encodable value.
func jsonBody(_ value: some Encodable) -> ByteBuffer {
    // Encoding the server's own value types cannot fail; an empty object stands in if it ever did.
    ByteBuffer(bytes: (try? responseEncoder.encode(value)) ?? Data("{}".utf8))
}

/// A JSON response of bytes already encoded (shared, not copied).
func jsonResponse(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)],
        body: .init(byteBuffer: body))
}
