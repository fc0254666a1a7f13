import Testing
import WebSocket

/// Every rule a reader enforces, with the close code it fails with (RFC 6455 §5, §7.4).
@Suite("Reader rules")
struct ReaderRuleTests {
    static let hello = Array("Hello".utf8)

    // MARK: Header bits

    @Test(arguments: [0x40, 0x20, 0x10] as [UInt8])
    func reservedBitsFailWith1002(bit: UInt8) {
        var frame = clientFrame(.binary, Self.hello)
        frame[0] |= bit
        expectFailure(frame, .protocolError)
        // Fails from the first two bytes, before the rest of the frame arrives.
        expectFailure(Array(frame.prefix(2)), .protocolError)
    }

    @Test(arguments: [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] as [UInt8])
    func reservedOpcodesFailWith1002(opcode: UInt8) {
        expectFailure([0x80 | opcode, 0x80, 1, 2, 3, 4], .protocolError)
    }

    @Test func unmaskedClientFrameFailsWith1002() {
        expectFailure(WebSocketFrame.binary(Self.hello), .protocolError)
        expectFailure(WebSocketFrame.ping(Self.hello), .protocolError)
    }

    @Test func maskedServerFrameFailsWith1002OnAClient() {
        expectFailure(clientFrame(.text, Self.hello), .protocolError, expectMasked: false)
        #expect(read(WebSocketFrame.text("Hello"), expectMasked: false).messages == [.text("Hello")])
    }

    @Test func sixtyFourBitLengthWithTheTopBitSetFailsWith1002() {
        let header: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 5]
        expectFailure(header, .protocolError)
        expectFailure(header + [1, 2, 3, 4] + Self.hello, .protocolError)
    }

    /// RFC 6455 asks senders for the shortest length encoding but not receivers to check it.
    @Test func nonMinimalLengthsAreAccepted() {
        let key: [UInt8] = [0, 0, 0, 0]
        let sixteen: [UInt8] = [0x82, 0x80 | 126, 0, 5] + key + Self.hello
        let sixtyFour: [UInt8] = [0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 5] + key + Self.hello
        let ping: [UInt8] = [0x89, 0x80 | 126, 0, 5] + key + Self.hello
        let outcome = read(sixteen + sixtyFour + ping)
        #expect(outcome == ReadOutcome(messages: [.binary(Self.hello), .binary(Self.hello), .ping(Self.hello)]))
    }

    // MARK: Control frames

    @Test func controlFrameOver125BytesFailsWith1002() {
        let payload = [UInt8](repeating: 7, count: 126)
        for opcode in [0x88, 0x89, 0x8A] as [UInt8] {
            // 126 in the 7-bit field, then the 16-bit length 126.
            expectFailure([opcode, 0x80 | 126, 0, 126, 0, 0, 0, 0] + payload, .protocolError)
        }
        let largest = [UInt8](repeating: 7, count: 125)
        #expect(read(clientFrame(.ping, largest)).messages == [.ping(largest)])
    }

    @Test func fragmentedControlFrameFailsWith1002() {
        for opcode in [WebSocketOpcode.close, .ping, .pong] {
            var frame = clientFrame(opcode, [])
            frame[0] &= 0x7F
            expectFailure(frame, .protocolError)
        }
    }

    @Test func controlFramesMayComeBetweenFragments() {
        let bytes = clientFrame(.text, Array("Hel".utf8), fin: false) + clientFrame(.ping, [1]) + clientFrame(.pong, [2])
            + clientFrame(.continuation, Array("lo".utf8))
        #expect(read(bytes) == ReadOutcome(messages: [.ping([1]), .pong([2]), .text("Hello")]))
        // A control frame right after a data frame's header is in the payload, not a frame.
        #expect(read(bytes, chunkSizes: [1]) == read(bytes))
    }

    // MARK: Fragmentation order

    @Test func continuationWithoutAMessageFailsWith1002() {
        expectFailure(clientFrame(.continuation, Self.hello), .protocolError)
        // Also right after a complete message.
        expectFailure(clientFrame(.binary, [1]) + clientFrame(.continuation, [2]), .protocolError)
    }

    @Test(arguments: [WebSocketOpcode.text, .binary])
    func newDataFrameInsideAFragmentedMessageFailsWith1002(next: WebSocketOpcode) {
        expectFailure(clientFrame(.binary, [1], fin: false) + clientFrame(next, [2]), .protocolError)
        expectFailure(clientFrame(.text, [65], fin: false) + clientFrame(next, [66], fin: false), .protocolError)
    }

    // MARK: Close frames

    @Test func closeFrames() {
        #expect(read(clientFrame(.close, [])).messages == [.close(code: nil, reason: "")])
        #expect(read(clientFrame(.close, [0x03, 0xE8])).messages == [.close(code: .normal, reason: "")])
        #expect(read(clientFrame(.close, [0x0F, 0xA0] + Array("bye ✓".utf8))).messages
            == [.close(code: WebSocketCloseCode(rawValue: 4000), reason: "bye ✓")])
    }

    @Test func closeWithAOneBytePayloadFailsWith1002() {
        expectFailure(clientFrame(.close, [0x03]), .protocolError)
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func closeCodeNotValidOnTheWireFailsWith1002(code: UInt16) {
        #expect(!WebSocketCloseCode(rawValue: code).isValidOnWire)
        expectFailure(clientFrame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)]), .protocolError)
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func closeCodesValidOnTheWire(code: UInt16) {
        let closeCode = WebSocketCloseCode(rawValue: code)
        #expect(closeCode.isValidOnWire)
        #expect(read(clientFrame(.close, [UInt8(code >> 8), UInt8(code & 0xFF)])).messages == [.close(code: closeCode, reason: "")])
    }

    @Test func closeReasonNotUTF8FailsWith1007() {
        expectFailure(clientFrame(.close, [0x03, 0xE8, 0x61, 0xFF]), .invalidPayload)
        expectFailure(clientFrame(.close, [0x03, 0xE8, 0x61, 0xE2, 0x82]), .invalidPayload)
    }

    @Test func nothingIsReadAfterAClose() throws {
        let bytes = clientFrame(.close, [0x03, 0xE8]) + clientFrame(.text, Self.hello) + [0xFF, 0xFF]
        #expect(read(bytes) == ReadOutcome(messages: [.close(code: .normal, reason: "")]))
        var reader = WebSocketReader(maxMessageBytes: 100)
        reader.append(bytes)
        #expect(try reader.next() == .close(code: .normal, reason: ""))
        #expect(try reader.next() == nil)
        reader.append(clientFrame(.text, Self.hello))
        #expect(try reader.next() == nil)
        #expect(reader.bufferedBytes == 0)
        // A close in the middle of a fragmented message drops the fragments.
        var closing = WebSocketReader(maxMessageBytes: 100)
        closing.append(clientFrame(.binary, [UInt8](repeating: 1, count: 50), fin: false) + clientFrame(.close, []))
        #expect(try closing.next() == .close(code: nil, reason: ""))
        #expect(closing.bufferedBytes == 0)
    }

    // MARK: Size

    /// 1009 from the header alone: the payload is never buffered.
    @Test func messageOverTheLimitFailsWith1009FromItsHeader() throws {
        var reader = WebSocketReader(maxMessageBytes: 1000)
        let frame = clientFrame(.binary, [UInt8](repeating: 1, count: 1001))
        reader.append(Array(frame.prefix(8)))
        #expect(throws: WebSocketError(code: .messageTooBig, reason: "message over 1000 bytes")) { try reader.next() }
        #expect(reader.bufferedBytes == 0)
        // Exactly the limit is fine.
        let exact = [UInt8](repeating: 2, count: 1000)
        #expect(read(clientFrame(.binary, exact), maxMessageBytes: 1000).messages == [.binary(exact)])
        // A 2^62-byte declaration fails the same way.
        expectFailure([0x82, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], .messageTooBig, maxMessageBytes: 1000)
    }

    /// The limit is on the reassembled message: fragments add up.
    @Test func fragmentsAddUpToTheLimit() {
        let piece = [UInt8](repeating: 3, count: 400)
        let twoPieces = clientFrame(.binary, piece, fin: false) + clientFrame(.continuation, piece)
        #expect(read(twoPieces, maxMessageBytes: 800).messages == [.binary(piece + piece)])
        expectFailure(twoPieces, .messageTooBig, maxMessageBytes: 799)
        // Control frames do not count towards it, and each message starts from zero.
        let bytes = twoPieces + clientFrame(.ping, piece.prefix(100).map { $0 }) + twoPieces
        #expect(read(bytes, maxMessageBytes: 800).messages.count == 3)
    }

    @Test func textMessageOverTheLimitFailsWith1009() {
        expectFailure(clientFrame(.text, Array(String(repeating: "é", count: 6).utf8)), .messageTooBig, maxMessageBytes: 11)
    }

    // MARK: After a failure

    @Test func aFailedReaderKeepsFailing() {
        var reader = WebSocketReader(maxMessageBytes: 100)
        reader.append([0xC2, 0x80])  // RSV1
        #expect(throws: WebSocketError.self) { try reader.next() }
        reader.append(clientFrame(.text, Self.hello))
        #expect(reader.bufferedBytes == 0)
        #expect(throws: WebSocketError(code: .protocolError, reason: "reserved bits RSV1-3 set, but no extension was negotiated")) {
            try reader.next()
        }
    }

    @Test func errorReasonsFitACloseFrame() {
        let error = WebSocketError(code: .policyViolation, reason: String(repeating: "ü", count: 100))
        #expect(error.reason.utf8.count == 122)
        #expect(WebSocketFrame.close(error.code, reason: error.reason).count == 2 + 2 + 122)
    }
}
