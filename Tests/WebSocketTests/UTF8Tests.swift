import Testing
@testable import WebSocket

/// Text messages must be UTF-8 (RFC 6455 §8.1), checked as the bytes arrive: a bad byte fails at once,
/// a character split across fragments is fine, a message may not end inside one.
@Suite("UTF-8 in text messages")
struct UTF8Tests {
    /// Ill-formed sequences, each inside otherwise valid text.
    @Test(arguments: [
        ("lone continuation", [0x80]), ("C0 overlong", [0xC0, 0x80]), ("C1 overlong", [0xC1, 0xBF]),
        ("3-byte overlong", [0xE0, 0x80, 0x80]), ("3-byte overlong of U+07FF", [0xE0, 0x9F, 0xBF]),
        ("4-byte overlong", [0xF0, 0x80, 0x80, 0x80]), ("4-byte overlong of U+FFFF", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("surrogate D800", [0xED, 0xA0, 0x80]), ("surrogate DFFF", [0xED, 0xBF, 0xBF]),
        ("surrogate pair as CESU-8", [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]),
        ("U+110000", [0xF4, 0x90, 0x80, 0x80]), ("F5 lead", [0xF5, 0x80, 0x80, 0x80]), ("FF", [0xFF]), ("FE", [0xFE]),
        ("missing continuation", [0xE2, 0x82, 0x41]), ("5-byte form", [0xF8, 0x88, 0x80, 0x80, 0x80]),
    ] as [(String, [UInt8])])
    func illFormedTextFailsWith1007(name: String, sequence: [UInt8]) {
        let payload = Array("ok ".utf8) + sequence + Array(" ok".utf8)
        expectFailure(clientFrame(.text, payload), .invalidPayload)
        #expect(String(validating: payload, as: UTF8.self) == nil, "the standard library agrees: \(name)")
    }

    /// The boundaries just inside the valid ranges.
    @Test(arguments: [
        [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBB, 0xBF],
    ] as [[UInt8]])
    func boundaryCharactersAreAccepted(sequence: [UInt8]) throws {
        let text = try #require(String(validating: sequence, as: UTF8.self))
        #expect(read(clientFrame(.text, sequence)).messages == [.text(text)])
    }

    @Test func aSequenceTruncatedAtTheMessageEndFailsWith1007() {
        expectFailure(clientFrame(.text, [0x61, 0xE2, 0x82]), .invalidPayload)
        expectFailure(clientFrame(.text, [0x61, 0xF0, 0x9F, 0x98], fin: false) + clientFrame(.continuation, []), .invalidPayload)
    }

    /// U+1F600 (F0 9F 98 80) split after each of its first three bytes, across two and four frames.
    @Test(arguments: [1, 2, 3])
    func aFourByteCharacterMaySpanFragments(split: Int) {
        let emoji: [UInt8] = [0xF0, 0x9F, 0x98, 0x80]
        let bytes = clientFrame(.text, [0x61] + emoji.prefix(split), fin: false) + clientFrame(.ping, [])
            + clientFrame(.continuation, Array(emoji.dropFirst(split)) + [0x62])
        #expect(read(bytes) == ReadOutcome(messages: [.ping([]), .text("a😀b")]))
        let oneBytePerFrame = emoji.enumerated().flatMap { index, byte in
            clientFrame(index == 0 ? .text : .continuation, [byte], fin: index == 3)
        }
        #expect(read(oneBytePerFrame) == ReadOutcome(messages: [.text("😀")]))
    }

    /// An invalid byte fails as soon as it arrives, not when the message ends.
    @Test func anInvalidByteFailsBeforeTheRestOfTheMessage() {
        var reader = WebSocketReader(maxMessageBytes: 1 << 20)
        let frame = clientFrame(.text, [0x61, 0xFF] + [UInt8](repeating: 0x61, count: 100_000), fin: false)
        reader.append(Array(frame.prefix(16)))  // header (14) and the first two payload bytes
        #expect(throws: WebSocketError(code: .invalidPayload, reason: "text message is not valid UTF-8")) { try reader.next() }
        // Likewise in a later fragment.
        var second = WebSocketReader(maxMessageBytes: 1 << 20)
        second.append(clientFrame(.text, Array("abc".utf8), fin: false) + Array(clientFrame(.continuation, [0xC0, 0x80, 0x61, 0x62]).prefix(7)))
        #expect(throws: WebSocketError.self) { try second.next() }
    }

    /// Binary messages are not checked.
    @Test func binaryIsNotValidated() {
        #expect(read(clientFrame(.binary, [0xFF, 0xC0])).messages == [.binary([0xFF, 0xC0])])
    }

    /// The validator against the standard library on random byte strings biased towards UTF-8-like
    /// bytes, fed whole and in random pieces.
    @Test func validatorAgreesWithTheStandardLibrary() {
        var random = SplitMix(seed: 6455)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var valid = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...12, using: &random)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &random) ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            valid += expected ? 1 : 0
            #expect(bytes.withUnsafeBytes { UTF8Validator.isValid($0) } == expected, "\(bytes)")
            var validator = UTF8Validator()
            let cut = Int.random(in: 0...count, using: &random)
            let pieces = bytes.withUnsafeBytes { all in
                validator.validate(UnsafeRawBufferPointer(rebasing: all[..<cut])) && validator.validate(UnsafeRawBufferPointer(rebasing: all[cut...]))
            }
            #expect((pieces && validator.isAtBoundary) == expected, "\(bytes) cut at \(cut)")
        }
        #expect(valid > 1000)  // both outcomes were exercised
    }

    /// Every sequence of up to 3 bytes, and of 4 bytes starting with a 4-byte lead (F0-FF), drawn
    /// from the bytes on either side of each boundary of Unicode's Table 3-7 (24 values; 97 369
    /// sequences), against the standard library.
    /// Exhaustive where random inputs and coverage-guided fuzzing are weak: a wrong range bound
    /// (say F4 90 accepted) changes no code path, only a value.
    @Test func validatorAgreesOnEverySequenceOfBoundaryBytes() {
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
                              0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var disagreements: [[UInt8]] = []
        var sequence: [UInt8] = []
        func visit(_ depth: Int) {
            let expected = String(validating: sequence, as: UTF8.self) != nil
            if sequence.withUnsafeBytes({ UTF8Validator.isValid($0) }) != expected { disagreements.append(sequence) }
            guard depth < 3 || (depth == 3 && sequence[0] >= 0xF0) else { return }
            for byte in edges {
                sequence.append(byte)
                visit(depth + 1)
                sequence.removeLast()
            }
        }
        visit(0)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    /// The 8-byte ASCII fast path hands over correctly to the byte loop at any alignment.
    @Test func longTextWithCharactersAtEveryOffset() {
        for offset in 0..<17 {
            let text = String(repeating: "a", count: offset) + "é" + String(repeating: "b", count: 20) + "😀" + String(repeating: "c", count: offset)
            #expect(read(clientFrame(.text, Array(text.utf8))).messages == [.text(text)])
            var bad = Array(text.utf8)
            bad[offset + 1] = 0x41  // the é's continuation byte replaced
            expectFailure(clientFrame(.text, bad), .invalidPayload)
        }
    }
}
