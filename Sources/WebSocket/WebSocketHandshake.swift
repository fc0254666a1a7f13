/// The opening handshake (RFC 6455 §4.2), server side: checking the client's upgrade request and
/// computing `Sec-WebSocket-Accept`. Knows nothing of the HTTP server that carries it.
public enum WebSocketHandshake {
    /// The GUID appended to the client's key (RFC 6455 §1.3).
    static let keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`:
    /// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")). RFC 6455's example: key
    /// "dGhlIHNhbXBsZSBub25jZQ==" gives "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash((key + keyGUID).utf8))
    }

    /// Checks a request head and returns the `Sec-WebSocket-Accept` value for the 101 response.
    ///
    /// Requires: method `GET`; `Upgrade` containing the token `websocket`; `Connection` containing the
    /// token `upgrade` (both comma lists, compared case-insensitively); `Sec-WebSocket-Version: 13`
    /// (else status 426: the caller answers with `Sec-WebSocket-Version: 13` so the client can retry);
    /// a `Sec-WebSocket-Key` that base64-decodes to exactly 16 bytes. Other failures are status 400.
    /// - Parameters:
    ///   - method: the request method (case-sensitive, as in HTTP).
    ///   - header: looks a header up by name, case-insensitively (repeated headers joined with ",").
    public static func validate(method: String, header: (String) -> String?) throws(HandshakeError) -> String {
        guard method == "GET" else {
            throw HandshakeError(status: 400, message: "a WebSocket upgrade must be a GET request, not \(method)")
        }
        guard let upgrade = header("Upgrade"), tokens(upgrade).contains(where: { $0.lowercased() == "websocket" }) else {
            throw HandshakeError(status: 400, message: "the request must carry 'Upgrade: websocket'")
        }
        guard let connection = header("Connection"), tokens(connection).contains(where: { $0.lowercased() == "upgrade" }) else {
            throw HandshakeError(status: 400, message: "the Connection header must contain the token 'upgrade'")
        }
        guard let version = header("Sec-WebSocket-Version"), trimmed(version) == "13" else {
            throw HandshakeError(status: 426, message: "only WebSocket version 13 is supported: send 'Sec-WebSocket-Version: 13'")
        }
        guard let key = header("Sec-WebSocket-Key").map({ String(trimmed($0)) }), Base64.decode(key)?.count == 16 else {
            throw HandshakeError(status: 400, message: "Sec-WebSocket-Key must be the base64 encoding of 16 bytes")
        }
        return acceptValue(forKey: key)
    }

    /// The comma-separated tokens of a `Sec-WebSocket-Protocol` header, trimmed, in the client's order
    /// of preference; empty for nil or a blank header.
    public static func offeredProtocols(_ header: String?) -> [String] {
        guard let header else { return [] }
        return tokens(header).map(String.init)
    }

    // MARK: Header values

    /// The non-empty, trimmed elements of a comma-separated header value.
    static func tokens(_ value: String) -> [Substring] {
        value.split(separator: ",").map(trimmed).filter { !$0.isEmpty }
    }

    /// `value` without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmed(_ value: some StringProtocol) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let text = Substring(value)
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return text[first...last]
    }
}
