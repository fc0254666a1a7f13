import HTTPServer
import Logging

/// What a route handler gets: the request, its path parameters, and the request's id and logger.
public struct RequestContext: Sendable {
    public var request: HTTPRequest
    public var parameters: [String: String]
    /// The client's `X-Request-Id` when it sent a sane one, else a fresh random id; echoed in the
    /// response header and the log line.
    public var requestID: String
    public var logger: Logger
    /// Details a handler wants in the request's log line (e.g. audio seconds, timings).
    public var logMetadata: LogMetadataBox

    public init(request: HTTPRequest, parameters: [String: String], requestID: String, logger: Logger) {
        self.request = request
        self.parameters = parameters
        self.requestID = requestID
        self.logger = logger
        self.logMetadata = LogMetadataBox()
    }
}

/// A mutable bag of log metadata a handler fills and the request logger reads after it returns.
/// Used by one request's thread only.
public final class LogMetadataBox: @unchecked Sendable {
    public var values: Logger.Metadata = [:]
    public init() {}
    public subscript(key: String) -> Logger.MetadataValue? {
        get { values[key] }
        set { values[key] = newValue }
    }
}
