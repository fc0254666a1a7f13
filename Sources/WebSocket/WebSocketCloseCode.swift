/// Close status codes (RFC 6455 §7.4), the first two bytes of a close frame's payload.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 1000: the purpose of the connection has been fulfilled.
    public static let normal = WebSocketCloseCode(rawValue: 1000)
    /// 1001: the endpoint is going away (server shutting down, browser leaving the page).
    public static let goingAway = WebSocketCloseCode(rawValue: 1001)
    /// 1002: the peer broke the framing protocol.
    public static let protocolError = WebSocketCloseCode(rawValue: 1002)
    /// 1003: a data type the endpoint cannot accept (e.g. text where only binary audio is expected).
    public static let unsupportedData = WebSocketCloseCode(rawValue: 1003)
    /// 1005: reported locally for a close frame without a code; never sent.
    public static let noStatus = WebSocketCloseCode(rawValue: 1005)
    /// 1006: reported locally when the connection ended without a close frame; never sent.
    public static let abnormal = WebSocketCloseCode(rawValue: 1006)
    /// 1007: a text message (or close reason) that is not UTF-8.
    public static let invalidPayload = WebSocketCloseCode(rawValue: 1007)
    /// 1008: a message that breaks the endpoint's policy (the generic code when no other fits).
    public static let policyViolation = WebSocketCloseCode(rawValue: 1008)
    /// 1009: a message larger than the endpoint accepts.
    public static let messageTooBig = WebSocketCloseCode(rawValue: 1009)
    /// 1011: the server hit an unexpected condition.
    public static let internalError = WebSocketCloseCode(rawValue: 1011)
    /// 1013: the server is overloaded; the client may reconnect later (IANA registry).
    public static let tryAgainLater = WebSocketCloseCode(rawValue: 1013)

    /// Whether a peer may send this code in a close frame: 1000-1003 and 1007-1011 (RFC 6455 §7.4.1),
    /// 1012-1014 (registered with IANA since: service restart, try again later, bad gateway; the Python
    /// `websockets` and browsers accept them), and 3000-4999 (libraries, frameworks and applications).
    /// Not 1004 (reserved), 1005/1006 (local only), 1015 (TLS failure, local only), other codes below
    /// 3000 (unassigned) or 5000 and above.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String { String(rawValue) }
}
