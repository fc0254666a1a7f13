/// One complete message as a reader returns it: a data message reassembled from its fragments, or a
/// control frame.
public enum WebSocketMessage: Sendable, Equatable {
    /// A text message; its bytes were checked to be UTF-8.
    case text(String)
    case binary([UInt8])
    /// A ping (at most 125 bytes); answer with a pong carrying the same payload.
    case ping([UInt8])
    case pong([UInt8])
    /// A close frame. `code` is nil for an empty payload (reported as 1005 by convention); `reason`
    /// is the UTF-8 text after the code (at most 123 bytes).
    case close(code: WebSocketCloseCode?, reason: String)
}
