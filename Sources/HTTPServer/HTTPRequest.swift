/// One HTTP request as the server hands it to the application: head and the whole body.
public struct HTTPRequest: Sendable {
    /// Upper-case method, e.g. "GET".
    public var method: String
    /// The path without the query string, percent-decoding left to the application.
    public var path: String
    /// Query parameters in order (libmicrohttpd has already percent-decoded them).
    public var query: [(name: String, value: String)]
    /// Header fields in order; look-ups through `header(_:)` ignore case.
    public var headers: [(name: String, value: String)]
    /// The request body (bounded by the server's `maxBodyBytes`).
    public var body: [UInt8]
    /// The peer's address ("127.0.0.1", "::1"), when known.
    public var remoteAddress: String?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [UInt8] = [], remoteAddress: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The first value of query parameter `name` (case-sensitive, as URLs are), or nil.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}
