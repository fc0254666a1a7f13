import Testing
import WebSocket

/// The examples of RFC 6455 byte for byte: §5.7 (frames) and §1.3 (the handshake's accept value).
@Suite("RFC 6455 examples")
struct RFCExampleTests {
    static let hello = Array("Hello".utf8)
    static let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)

    @Test func singleFrameUnmaskedText() {
        let bytes: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(WebSocketFrame.text("Hello") == bytes)
        #expect(read(bytes, expectMasked: false) == ReadOutcome(messages: [.text("Hello")]))
    }

    @Test func singleFrameMaskedText() {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(WebSocketFrame.encode(.text, payload: Self.hello, mask: Self.key) == bytes)
        #expect(read(bytes) == ReadOutcome(messages: [.text("Hello")]))
    }

    @Test func fragmentedUnmaskedText() {
        let first: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C]
        let second: [UInt8] = [0x80, 0x02, 0x6C, 0x6F]
        #expect(WebSocketFrame.encode(.text, payload: Array("Hel".utf8), fin: false) == first)
        #expect(WebSocketFrame.encode(.continuation, payload: Array("lo".utf8)) == second)
        #expect(read(first + second, expectMasked: false) == ReadOutcome(messages: [.text("Hello")]))
    }

    @Test func unmaskedPingAndMaskedPong() {
        let ping: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        let pong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(WebSocketFrame.ping(Self.hello) == ping)
        #expect(WebSocketFrame.encode(.pong, payload: Self.hello, mask: Self.key) == pong)
        #expect(read(ping, expectMasked: false) == ReadOutcome(messages: [.ping(Self.hello)]))
        #expect(read(pong) == ReadOutcome(messages: [.pong(Self.hello)]))
        // The server's answer to the client's ping "Hello" is the unmasked pong of the same payload.
        #expect(WebSocketFrame.pong(Self.hello) == [0x8A, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test func binaryOf256BytesHasA16BitLength() {
        let payload = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let frame = WebSocketFrame.binary(payload)
        #expect(Array(frame.prefix(4)) == [0x82, 0x7E, 0x01, 0x00])
        #expect(Array(frame.dropFirst(4)) == payload)
        #expect(read(frame, expectMasked: false) == ReadOutcome(messages: [.binary(payload)]))
    }

    @Test func binaryOf64KiBHasA64BitLength() {
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let frame = WebSocketFrame.binary(payload)
        #expect(Array(frame.prefix(10)) == [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
        #expect(Array(frame.dropFirst(10)) == payload)
        #expect(read(frame, expectMasked: false) == ReadOutcome(messages: [.binary(payload)]))
    }

    /// §1.3: the accept value of the sample nonce.
    @Test func handshakeAcceptValue() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
