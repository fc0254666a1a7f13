/// Frame encoding (RFC 6455 §5.2). Server frames are unmasked; a mask key gives a client frame (for
/// tests and the fuzz target).
public enum WebSocketFrame {
    /// One frame: header with the shortest length encoding, then the payload (masked with `mask` if
    /// given).
    /// - Parameters:
    ///   - opcode: the frame type; a control opcode needs a payload of at most 125 bytes and `fin`
    ///     (a precondition: breaking it is a programming error, not input).
    ///   - payload: the payload bytes.
    ///   - fin: false for every fragment of a message but the last.
    ///   - mask: the 4-byte masking key of a client frame; nil for a server frame.
    public static func encode(_ opcode: WebSocketOpcode, payload: some Collection<UInt8>, fin: Bool = true,
                              mask: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        let count = payload.count
        precondition(!opcode.isControl || (count <= 125 && fin),
                     "a control frame carries at most 125 bytes and is never fragmented (RFC 6455 §5.5)")
        var frame: [UInt8] = []
        frame.reserveCapacity(14 + count)
        frame.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if count <= 125 {
            frame.append(maskBit | UInt8(count))
        } else if count <= 0xFFFF {
            frame.append(maskBit | 126)
            frame.append(UInt8(truncatingIfNeeded: count >> 8))
            frame.append(UInt8(truncatingIfNeeded: count))
        } else {
            frame.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                frame.append(UInt8(truncatingIfNeeded: UInt64(count) >> UInt64(shift)))
            }
        }
        if let mask {
            frame.append(contentsOf: [mask.0, mask.1, mask.2, mask.3])
        }
        let payloadStart = frame.count
        frame.append(contentsOf: payload)
        if let mask {
            frame.withUnsafeMutableBytes { bytes in
                Masking.apply(UnsafeMutableRawBufferPointer(rebasing: bytes[payloadStart...]), key: Masking.Key(bytes: mask), offset: 0)
            }
        }
        return frame
    }

    /// An unfragmented text message.
    public static func text(_ text: String) -> [UInt8] {
        encode(.text, payload: text.utf8)
    }

    /// An unfragmented binary message.
    public static func binary(_ bytes: [UInt8]) -> [UInt8] {
        encode(.binary, payload: bytes)
    }

    /// A close frame: `code` (big-endian) then `reason`, cut at a UTF-8 character boundary to 123
    /// bytes so the payload fits 125. `code` should be valid on the wire (not 1005 or 1006; to close
    /// without a code, encode an empty `.close` payload).
    public static func close(_ code: WebSocketCloseCode, reason: String = "") -> [UInt8] {
        let text = UTF8Truncation.prefix(of: reason, maxBytes: 123)
        return encode(.close, payload: [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)] + Array(text.utf8))
    }

    /// A ping; the peer answers with a pong carrying the same payload (at most 125 bytes).
    public static func ping(_ payload: [UInt8] = []) -> [UInt8] {
        encode(.ping, payload: payload)
    }

    /// The answer to a ping: the same payload (at most 125 bytes, which a reader guarantees for the
    /// pings it returns).
    public static func pong(_ payload: [UInt8]) -> [UInt8] {
        encode(.pong, payload: payload)
    }
}
