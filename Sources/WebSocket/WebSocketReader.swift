/// Incremental reader of one direction of a connection: feed bytes as they arrive, take complete
/// messages.
///
///     var reader = WebSocketReader(maxMessageBytes: 1 << 20)
///     reader.append(received)
///     while let message = try reader.next() { ... }
///
/// Data frames are unmasked, UTF-8-checked (text) and appended to the message as their bytes arrive,
/// so the work per byte is constant however the input is split (one byte at a time or 64 KiB
/// chunks), an invalid text byte fails at once, and the input buffer holds at most one incomplete
/// header or control frame after `next()` returned nil.
public struct WebSocketReader: Sendable {
    // MARK: Configuration

    /// Largest reassembled data message (sum of its fragments' payloads), in bytes.
    public let maxMessageBytes: Int
    /// Whether frames must be masked: true on the server side (client frames), false on a client.
    public let expectMasked: Bool

    // MARK: State

    /// Received bytes; those before `readOffset` are consumed.
    private var input: [UInt8] = []
    private var readOffset = 0
    /// The data frame whose payload is being read, and how many of its payload bytes were read.
    private var frame: FrameHeader?
    private var frameRead: UInt64 = 0
    /// `.text` or `.binary` while a data message is being assembled (between its first frame and the
    /// end of its FIN frame), nil between messages.
    private var messageKind: WebSocketOpcode?
    /// The unmasked payload of the message so far.
    private var message: [UInt8] = []
    /// The UTF-8 check of a text message, carried across frames (a character may span two frames).
    private var utf8 = UTF8Validator()
    /// The error thrown, thrown again by every later `next()`.
    private var failure: WebSocketError?
    /// A close frame was returned: nothing may follow it (RFC 6455 §5.5.1).
    private var closed = false

    // MARK: Initialization

    /// - Parameters:
    ///   - maxMessageBytes: largest reassembled data message (sum of fragments), in bytes; a frame
    ///     that would take the message beyond it fails with 1009, decided from the frame header
    ///     before its payload is buffered.
    ///   - expectMasked: true on the server side (client frames must be masked, else 1002); false on a
    ///     client (a masked server frame is then 1002).
    public init(maxMessageBytes: Int, expectMasked: Bool = true) {
        precondition(maxMessageBytes >= 0, "maxMessageBytes must not be negative")
        self.maxMessageBytes = maxMessageBytes
        self.expectMasked = expectMasked
    }

    // MARK: Input

    /// Adds received bytes. Ignored after a failure or a close frame.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !closed, !bytes.isEmpty else { return }
        makeRoom()
        input.append(contentsOf: bytes)
    }

    /// Adds received bytes. Ignored after a failure or a close frame.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Bytes held: unparsed input plus the fragments of an unfinished message. After `next()` returned
    /// nil that is at most maxMessageBytes + 139 (an incomplete header of up to 14 bytes or control
    /// frame of up to 139); between an `append` and that, add the appended bytes.
    public var bufferedBytes: Int { input.count - readOffset + message.count }

    // MARK: Output

    /// The next complete message, nil when more bytes are needed (and for good after a close frame).
    /// Control frames may arrive between the fragments of a data message and are returned at once.
    ///
    /// Throws on any protocol violation: 1002 (framing), 1007 (text or close reason not UTF-8), 1009
    /// (message over `maxMessageBytes`). After a throw the reader is unusable: it throws the same error
    /// again, and the caller sends a close frame with the error's code and closes.
    public mutating func next() throws(WebSocketError) -> WebSocketMessage? {
        if let failure { throw failure }
        if closed { return nil }
        do {
            let result = try parse()
            if result == nil { compact() }
            return result
        } catch {
            failure = error
            input = []
            readOffset = 0
            message = []
            throw error
        }
    }

    // MARK: Parsing

    private mutating func parse() throws(WebSocketError) -> WebSocketMessage? {
        while true {
            if let frame {
                guard try readPayload(of: frame) else { return nil }
                self.frame = nil
                if frame.fin { return try finishMessage() }
                continue
            }
            guard let header = try FrameHeader.parse(input, from: readOffset, expectMasked: expectMasked) else { return nil }
            if header.opcode.isControl {
                // At most 139 bytes: wait for the whole frame.
                let end = readOffset + header.headerLength + Int(header.payloadLength)
                guard input.count >= end else { return nil }
                var payload = Array(input[(readOffset + header.headerLength)..<end])
                readOffset = end
                if let key = header.maskingKey {
                    payload.withUnsafeMutableBytes { Masking.apply($0, key: key, offset: 0) }
                }
                return try controlMessage(header.opcode, payload: payload)
            }
            try startDataFrame(header)
        }
    }

    /// Checks a text, binary or continuation frame header against the message in progress and the
    /// size limit, then starts reading its payload.
    private mutating func startDataFrame(_ header: FrameHeader) throws(WebSocketError) {
        if header.opcode == .continuation {
            guard messageKind != nil else { throw .protocolError("continuation frame without a message to continue") }
        } else {
            guard messageKind == nil else {
                throw .protocolError("new \(header.opcode) frame while a fragmented message is unfinished")
            }
        }
        // Decided before any payload byte is buffered: the declared length is enough.
        guard header.payloadLength <= UInt64(maxMessageBytes - message.count) else {
            throw .messageTooBig("message over \(maxMessageBytes) bytes")
        }
        if messageKind == nil {
            messageKind = header.opcode
            // The first frame's length is a good guess for the message (later fragments grow it
            // geometrically; reserving for each would copy quadratically).
            message.reserveCapacity(Int(header.payloadLength))
        }
        readOffset += header.headerLength
        frame = header
        frameRead = 0
    }

    /// Moves the available payload bytes of `frame` into the message (unmasked, UTF-8-checked for
    /// text). True when the frame's payload is complete.
    private mutating func readPayload(of frame: FrameHeader) throws(WebSocketError) -> Bool {
        let count = Int(min(frame.payloadLength - frameRead, UInt64(input.count - readOffset)))
        if count > 0 {
            let start = message.count
            message.append(contentsOf: input[readOffset..<(readOffset + count)])
            readOffset += count
            let offset = Int(frameRead)
            frameRead += UInt64(count)
            let isText = messageKind == .text
            var validator = utf8
            let valid = message.withUnsafeMutableBytes { all in
                let piece = UnsafeMutableRawBufferPointer(rebasing: all[start...])
                if let key = frame.maskingKey { Masking.apply(piece, key: key, offset: offset) }
                return !isText || validator.validate(UnsafeRawBufferPointer(piece))
            }
            utf8 = validator
            guard valid else { throw .invalidPayload("text message is not valid UTF-8") }
        }
        return frameRead == frame.payloadLength
    }

    /// The message whose FIN frame just ended.
    private mutating func finishMessage() throws(WebSocketError) -> WebSocketMessage {
        let kind = messageKind
        let bytes = message
        messageKind = nil
        message = []
        if kind == .text {
            guard utf8.isAtBoundary else { throw .invalidPayload("text message ends inside a UTF-8 sequence") }
            utf8 = UTF8Validator()
            return .text(String(decoding: bytes, as: UTF8.self))
        }
        return .binary(bytes)
    }

    private mutating func controlMessage(_ opcode: WebSocketOpcode, payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        switch opcode {
        case .ping: return .ping(payload)
        case .pong: return .pong(payload)
        default:
            let message = try Self.closeMessage(payload)
            closed = true
            input = []
            readOffset = 0
            return message
        }
    }

    /// A close frame's payload: empty, or a 2-byte big-endian code valid on the wire and a UTF-8 reason.
    private static func closeMessage(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketMessage {
        guard !payload.isEmpty else { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .protocolError("close frame with a 1-byte payload") }
        let code = WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        guard code.isValidOnWire else { throw .protocolError("close code \(code.rawValue) may not be sent") }
        let reason = payload[2...]
        guard reason.withUnsafeBytes({ UTF8Validator.isValid($0) }) else {
            throw .invalidPayload("close reason is not valid UTF-8")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }

    // MARK: Buffer management

    /// Drops consumed input once it is at least half the buffer, so each byte is moved at most once
    /// on average (O(n) overall) however the caller interleaves `append` and `next`.
    private mutating func makeRoom() {
        guard readOffset > 0, readOffset >= input.count - readOffset else { return }
        compact()
    }

    /// Drops consumed input. After `next()` returned nil at most 138 bytes remain, so this is cheap;
    /// a buffer that grew past 64 KiB is given back rather than kept per connection.
    private mutating func compact() {
        guard readOffset > 0 else { return }
        if readOffset == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 1 << 16)
        } else {
            input.removeSubrange(0..<readOffset)
        }
        readOffset = 0
    }
}
