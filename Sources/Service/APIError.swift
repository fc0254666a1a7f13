import HTTPServer

/// An error a route answers with: the HTTP status, a stable `code` and a message a person can act
/// on, rendered as `{"error":{"code":…,"message":…}}` (the one error shape of the API).
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra headers, e.g. `Retry-After` or `Allow`.
    public var headers: [Header]

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(status: Int, code: String, message: String, headers: [Header] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var response: HTTPResponse {
        .error(status, code: code, message: message, headers: headers.map { ($0.name, $0.value) })
    }

    // MARK: Common errors

    public static func notFound(_ message: String = "no such route; see /openapi.yaml") -> APIError {
        APIError(status: 404, code: "not_found", message: message)
    }

    public static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(status: 405, code: "method_not_allowed",
                 message: "\(method) is not allowed here; use \(allowed.joined(separator: " or "))",
                 headers: [Header(name: "Allow", value: allowed.joined(separator: ", "))])
    }

    public static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(status: 400, code: "invalid_parameter", message: "query parameter '\(name)': \(message)")
    }

    public static func unavailable(_ message: String, retryAfterSeconds: Int) -> APIError {
        APIError(status: 503, code: "unavailable", message: message,
                 headers: [Header(name: "Retry-After", value: "\(retryAfterSeconds)")])
    }
}
