/// Why a connection must be failed: the close code to send and a human-readable reason.
public struct WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code of the close frame to send (1002, 1007 or 1009 from a reader).
    public var code: WebSocketCloseCode
    /// Why, at most 123 bytes of UTF-8 so it fits a close frame beside the code (125 bytes).
    public var reason: String

    /// - Parameters:
    ///   - code: the close code to send.
    ///   - reason: why; cut at a UTF-8 character boundary to 123 bytes if longer.
    public init(code: WebSocketCloseCode, reason: String) {
        self.code = code
        self.reason = UTF8Truncation.prefix(of: reason, maxBytes: 123)
    }

    public var description: String { "WebSocket error \(code.rawValue): \(reason)" }

    // MARK: The reader's three kinds of failure

    static func protocolError(_ reason: String) -> WebSocketError { WebSocketError(code: .protocolError, reason: reason) }
    static func invalidPayload(_ reason: String) -> WebSocketError { WebSocketError(code: .invalidPayload, reason: reason) }
    static func messageTooBig(_ reason: String) -> WebSocketError { WebSocketError(code: .messageTooBig, reason: reason) }
}
