/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in order (Content-Length is added by the server).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// For `101 Switching Protocols`: called once the response is sent, with the connection, which
    /// then belongs to the application (on libmicrohttpd's worker thread: start a thread and return).
    public var upgrade: (@Sendable (UpgradedConnection) -> Void)?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `101 Switching Protocols` with `headers` (Upgrade, Connection, and the protocol's own); the
    /// connection goes to `handler` once the response is sent.
    public static func switchingProtocols(headers: [(name: String, value: String)],
                                          handler: @escaping @Sendable (UpgradedConnection) -> Void) -> HTTPResponse {
        var response = HTTPResponse(status: 101, headers: headers)
        response.upgrade = handler
        return response
    }

    /// A JSON response from already-serialised bytes.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// `{"error":{"code":…,"message":…}}`, the one error shape of every route.
    public static func error(_ status: Int, code: String, message: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        let body = "{\"error\":{\"code\":\(JSONString.quote(code)),\"message\":\(JSONString.quote(message))}}"
        return json(status, Array(body.utf8), headers: headers)
    }

    /// The first value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// JSON string literal escaping (RFC 8259), without Foundation.
public enum JSONString {
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
