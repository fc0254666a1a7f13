import Testing
import WebSocket

/// Frames as encoded: header sizes, masking, round trips through a reader, close frames.
@Suite("Frame encoding")
struct FrameEncodingTests {
    /// Header bytes for each length class: 7-bit up to 125, 16-bit up to 65535, 64-bit above; +4 masked.
    @Test(arguments: [(0, 2), (1, 2), (125, 2), (126, 4), (127, 4), (65535, 4), (65536, 10), (100_000, 10)])
    func roundTrips(count: Int, headerBytes: Int) {
        var random = SplitMix(seed: UInt64(count))
        let payload = random.bytes(count)
        let server = WebSocketFrame.binary(payload)
        #expect(server.count == headerBytes + count)
        #expect(read(server, expectMasked: false).messages == [.binary(payload)])
        let mask = random.mask()
        let client = WebSocketFrame.encode(.binary, payload: payload, mask: mask)
        #expect(client.count == headerBytes + 4 + count)
        #expect(client[1] & 0x80 == 0x80)
        #expect(Array(client[headerBytes..<(headerBytes + 4)]) == [mask.0, mask.1, mask.2, mask.3])
        // Byte i is XORed with key byte i % 4 (checked bytewise against the 8-at-a-time masking).
        let masked = Array(client.dropFirst(headerBytes + 4))
        let key = [mask.0, mask.1, mask.2, mask.3]
        #expect(masked.indices.allSatisfy { masked[$0] == payload[$0] ^ key[$0 % 4] })
        #expect(read(client).messages == [.binary(payload)])
    }

    @Test func textRoundTrips() {
        for text in ["", "Hello", "héllo wörld", "😀 in the middle 😀", String(repeating: "€", count: 30_000)] {
            #expect(read(WebSocketFrame.text(text), expectMasked: false).messages == [.text(text)])
            #expect(read(WebSocketFrame.encode(.text, payload: text.utf8, mask: (9, 8, 7, 6))).messages == [.text(text)])
        }
    }

    @Test func closeFrame() {
        #expect(WebSocketFrame.close(.normal) == [0x88, 0x02, 0x03, 0xE8])
        #expect(WebSocketFrame.close(.messageTooBig, reason: "too big") == [0x88, 0x09, 0x03, 0xF1] + Array("too big".utf8))
        #expect(read(WebSocketFrame.close(.tryAgainLater, reason: "busy"), expectMasked: false).messages
            == [.close(code: .tryAgainLater, reason: "busy")])
    }

    /// The reason is cut to 123 bytes without splitting a character, so the payload fits 125.
    @Test(arguments: [
        (String(repeating: "a", count: 200), 123), (String(repeating: "é", count: 100), 122),
        (String(repeating: "a", count: 121) + "😀", 121), (String(repeating: "a", count: 119) + "😀", 123),
        (String(repeating: "a", count: 122) + "€", 122), (String(repeating: "€", count: 41), 123),
    ])
    func closeReasonIsTruncatedAtACharacterBoundary(reason: String, keptBytes: Int) throws {
        let frame = WebSocketFrame.close(.goingAway, reason: reason)
        #expect(frame.count == 2 + 2 + keptBytes)
        #expect(frame.count <= 2 + 125)
        let messages = read(frame, expectMasked: false).messages
        guard case .close(let code, let kept)? = messages.first, code == .goingAway else {
            Issue.record("got \(messages)")
            return
        }
        #expect(kept.utf8.count == keptBytes)
        #expect(reason.hasPrefix(kept))
    }

    @Test func opcodesAndConstants() {
        #expect([WebSocketOpcode.close, .ping, .pong].allSatisfy { $0.isControl })
        #expect(![WebSocketOpcode.continuation, .text, .binary].contains { $0.isControl })
        let codes: [(WebSocketCloseCode, UInt16)] = [
            (.normal, 1000), (.goingAway, 1001), (.protocolError, 1002), (.unsupportedData, 1003), (.noStatus, 1005),
            (.abnormal, 1006), (.invalidPayload, 1007), (.policyViolation, 1008), (.messageTooBig, 1009),
            (.internalError, 1011), (.tryAgainLater, 1013),
        ]
        for (code, value) in codes { #expect(code.rawValue == value) }
        #expect(!WebSocketCloseCode.noStatus.isValidOnWire && !WebSocketCloseCode.abnormal.isValidOnWire)
    }
}
