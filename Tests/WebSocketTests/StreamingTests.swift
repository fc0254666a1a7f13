import Testing
import WebSocket

/// However the bytes are split, the reader returns the same messages, in linear time and bounded
/// memory.
@Suite("Streaming input", .timeLimit(.minutes(2)))
struct StreamingTests {
    /// Random client traffic: data messages (text with multi-byte characters, binary) split into random
    /// fragments, control frames between and inside them, random masks. Returns the bytes and the
    /// messages a reader must return. `large` adds binary messages around the 16/64-bit length
    /// boundary (65535, 65536, 70000 bytes).
    static func traffic(_ random: inout SplitMix, messages: Int, large: Bool) -> (bytes: [UInt8], expected: [WebSocketMessage]) {
        let binarySizes = [0, 1, 125, 126, 127, 1000] + (large ? [65535, 65536, 70000] : [])
        var bytes: [UInt8] = []
        var expected: [WebSocketMessage] = []
        let alphabet = ["a", "Z", " ", "é", "€", "😀", "\u{0}", "ß"]
        func control() {
            let payload = random.bytes(Int.random(in: 0...125, using: &random))
            let isPing = Bool.random(using: &random)
            bytes += WebSocketFrame.encode(isPing ? .ping : .pong, payload: payload, mask: random.mask())
            expected.append(isPing ? .ping(payload) : .pong(payload))
        }
        for _ in 0..<messages {
            if Int.random(in: 0..<4, using: &random) == 0 { control(); continue }
            let isText = Bool.random(using: &random)
            let payload: [UInt8]
            if isText {
                let text = (0..<Int.random(in: 0...300, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
                payload = Array(text.utf8)
                expected.append(.text(text))
            } else {
                payload = random.bytes(binarySizes.randomElement(using: &random)!)
                expected.append(.binary(payload))
            }
            // Cut anywhere (also inside a character): fragments of random sizes, some empty.
            var cuts = (0..<Int.random(in: 0...4, using: &random)).map { _ in Int.random(in: 0...payload.count, using: &random) }
            cuts = ([0] + cuts.sorted() + [payload.count])
            let fragments = (0..<(cuts.count - 1)).map { Array(payload[cuts[$0]..<cuts[$0 + 1]]) }
            for (index, fragment) in fragments.enumerated() {
                let opcode: WebSocketOpcode = index > 0 ? .continuation : (isText ? .text : .binary)
                bytes += WebSocketFrame.encode(opcode, payload: fragment, fin: index == fragments.count - 1, mask: random.mask())
                if index < fragments.count - 1, Int.random(in: 0..<3, using: &random) == 0 {
                    let before = expected.removeLast()
                    control()
                    expected.append(before)
                }
            }
        }
        return (bytes, expected)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func byteAtATimeEqualsOneShot(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let (bytes, expected) = Self.traffic(&random, messages: 40, large: false)
        let oneShot = read(bytes)
        #expect(oneShot == ReadOutcome(messages: expected), "seed \(seed)")
        #expect(read(bytes, chunkSizes: [1]) == oneShot, "seed \(seed)")
    }

    /// With large messages too, in chunks of random sizes (1 byte to 64 KiB).
    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomChunksEqualOneShot(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let (bytes, expected) = Self.traffic(&random, messages: 40, large: true)
        let oneShot = read(bytes)
        #expect(oneShot == ReadOutcome(messages: expected), "seed \(seed)")
        let sizes = (0..<500).map { _ in [1, 2, 3, 7, 13, 100, 4096, 65536].randomElement(using: &random)! }
        #expect(read(bytes, chunkSizes: sizes) == oneShot, "seed \(seed)")
    }

    @Test func fragmentedBinaryWithInterleavedPing() {
        let bytes = clientFrame(.binary, [1, 2], fin: false) + clientFrame(.ping, Array("are you there".utf8))
            + clientFrame(.continuation, [], fin: false) + clientFrame(.pong, [])
            + clientFrame(.continuation, [3], fin: true)
        #expect(read(bytes) == ReadOutcome(messages: [.ping(Array("are you there".utf8)), .pong([]), .binary([1, 2, 3])]))
    }

    /// 1 MiB fed one byte at a time (and taken after each byte) finishes quickly: the reader never
    /// copies what it holds on each append.
    @Test func oneByteAtATimeIsLinear() throws {
        var random = SplitMix(seed: 9)
        let payload = random.bytes(1 << 20)
        let frame = WebSocketFrame.encode(.binary, payload: payload, mask: random.mask())
        var reader = WebSocketReader(maxMessageBytes: 1 << 20)
        var result: WebSocketMessage?
        var largest = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try frame.withUnsafeBytes { bytes in
                for index in bytes.indices {
                    reader.append(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + 1)]))
                    largest = max(largest, reader.bufferedBytes)
                    if let message = try reader.next() { result = message }
                }
            }
        }
        #expect(result == .binary(payload))
        #expect(largest <= (1 << 20) + 14)
        // A quadratic reader would move ~5·10^11 bytes; linear takes well under a second in release.
        #expect(elapsed < .seconds(60))
    }

    /// The held bytes stay within maxMessageBytes + an incomplete header or control frame + the last
    /// append, for every chunking.
    @Test(arguments: [1, 7, 1000, 65536])
    func bufferedBytesAreBounded(chunk: Int) throws {
        var random = SplitMix(seed: UInt64(chunk))
        let limit = 70_000
        let (bytes, _) = Self.traffic(&random, messages: 30, large: chunk > 1)
        var reader = WebSocketReader(maxMessageBytes: limit)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            reader.append(Array(bytes[start..<end]))
            #expect(reader.bufferedBytes <= limit + 139 + (end - start))
            while try reader.next() != nil {}
            #expect(reader.bufferedBytes <= limit + 139)
            start = end
        }
        #expect(reader.bufferedBytes == 0)
    }

    /// Appending from raw memory is the same as appending an array.
    @Test func rawBufferAppend() throws {
        let bytes = clientFrame(.text, Array("raw".utf8))
        var reader = WebSocketReader(maxMessageBytes: 10)
        bytes.withUnsafeBytes { reader.append($0) }
        #expect(try reader.next() == .text("raw"))
        #expect(try reader.next() == nil)
    }
}
