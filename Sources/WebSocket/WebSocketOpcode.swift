/// The opcode of a frame (RFC 6455 §5.2). Values 3-7 and 11-15 are reserved: a reader fails the
/// connection with 1002 on them, so they have no case here.
public enum WebSocketOpcode: UInt8, Sendable {
    /// A later fragment of a fragmented text or binary message.
    case continuation = 0
    case text = 1
    case binary = 2
    case close = 8
    case ping = 9
    case pong = 10

    /// Close, ping and pong: at most 125 bytes of payload, never fragmented, and allowed between the
    /// fragments of a data message (RFC 6455 §5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}
