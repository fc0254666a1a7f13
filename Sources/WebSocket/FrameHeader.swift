/// The 2-14 bytes before a frame's payload (RFC 6455 §5.2), parsed and checked against the rules that
/// need no connection state.
///
///      0                   1                   2                   3
///     |F|R|R|R| opcode|M| len 7 | extended length (0, 2 or 8 bytes, big-endian) | mask key (0 or 4) |
struct FrameHeader: Sendable, Equatable {
    var fin: Bool
    var opcode: WebSocketOpcode
    /// Present exactly when the MASK bit is set (client-to-server frames).
    var maskingKey: Masking.Key?
    /// Payload bytes; below 2^63 (the most significant bit must be 0).
    var payloadLength: UInt64
    /// Bytes of the header itself: 2 + 0/2/8 + 0/4.
    var headerLength: Int

    /// The header at `bytes[start...]`, or nil while it is incomplete. Throws 1002 as soon as the bytes
    /// present break a rule, so a bad frame fails before its remaining header bytes arrive: RSV1-3 set
    /// (no extension is ever negotiated), a reserved opcode, a fragmented or longer than 125 bytes
    /// control frame, a MASK bit other than `expectMasked`, a 64-bit length with its top bit set.
    /// Non-minimal length encodings (126 with a 16-bit value below 126, ...) are accepted: RFC 6455
    /// requires senders to be minimal but does not ask receivers to check.
    static func parse(_ bytes: [UInt8], from start: Int, expectMasked: Bool) throws(WebSocketError) -> FrameHeader? {
        let available = bytes.count - start
        guard available >= 2 else { return nil }
        let first = bytes[start], second = bytes[start + 1]
        guard first & 0x70 == 0 else {
            throw .protocolError("reserved bits RSV1-3 set, but no extension was negotiated")
        }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            throw .protocolError("reserved opcode \(first & 0x0F)")
        }
        let fin = first & 0x80 != 0
        guard fin || !opcode.isControl else { throw .protocolError("fragmented control frame") }
        let masked = second & 0x80 != 0
        guard masked == expectMasked else {
            throw .protocolError(expectMasked ? "client frame not masked" : "server frame masked")
        }
        var length = UInt64(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(bytes[start + 2]) << 8 | UInt64(bytes[start + 3])
            headerLength = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for index in start + 2..<start + 10 { length = length << 8 | UInt64(bytes[index]) }
            guard length >> 63 == 0 else { throw .protocolError("64-bit payload length with the most significant bit set") }
            headerLength = 10
        }
        guard length <= 125 || !opcode.isControl else {
            throw .protocolError("control frame with a \(length)-byte payload (at most 125)")
        }
        var maskingKey: Masking.Key?
        if masked {
            guard available >= headerLength + 4 else { return nil }
            let key = start + headerLength
            maskingKey = Masking.Key(bytes: (bytes[key], bytes[key + 1], bytes[key + 2], bytes[key + 3]))
            headerLength += 4
        }
        return FrameHeader(fin: fin, opcode: opcode, maskingKey: maskingKey, payloadLength: length, headerLength: headerLength)
    }
}
