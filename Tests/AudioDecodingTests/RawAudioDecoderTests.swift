import AudioDecoding
import Foundation
import Testing

/// Headerless stream audio decodes to exactly what libsndfile gives for the same samples in a WAV
/// file (so a live stream and an upload of the same call agree), whatever the chunking.
@Suite("Raw stream audio")
struct RawAudioDecoderTests {
    /// Two channels of a chirp and noise at moderate level, 2,000 frames.
    static func signal() -> [[Float]] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<2).map { c in
            (0..<2000).map { i in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Float(Int64(bitPattern: state >> 11) % 1000) / 1000 * 0.05
                let phase: Double = Double(i) * (0.01 + 0.00002 * Double(i)) + Double(c)
                return 0.6 * Float(sin(phase)) + noise
            }
        }
    }

    /// The data chunk of a WAV file.
    static func dataChunk(_ wav: [UInt8]) -> [UInt8] {
        var position = 12
        while position + 8 <= wav.count {
            let size = Int(wav[position + 4]) | Int(wav[position + 5]) << 8 | Int(wav[position + 6]) << 16 | Int(wav[position + 7]) << 24
            if wav[position..<position + 4].elementsEqual("data".utf8) { return Array(wav[(position + 8)..<(position + 8 + size)]) }
            position += 8 + size + (size & 1)
        }
        return []
    }

    @Test(arguments: [
        (AudioEncoder.Format.wavPCM16, RawAudioDecoder.Encoding.pcmS16LE), (.wavFloat, .pcmF32LE), (.wavMuLaw, .mulaw), (.wavALaw, .alaw),
    ])
    func decodesAsLibsndfileDoes(format: AudioEncoder.Format, encoding: RawAudioDecoder.Encoding) throws {
        let wav = try AudioEncoder().encode(Self.signal(), sampleRate: 8000, format: format)
        let reference = try AudioDecoder().decode(wav).channels
        let raw = Self.dataChunk(wav)
        #expect(raw.count == 2000 * 2 * encoding.bytesPerSample)
        // Chunks of awkward sizes: inside a sample, inside a frame, empty.
        var decoder = RawAudioDecoder(encoding: encoding, channelCount: 2)
        var decoded: [[Float]] = [[], []]
        var position = 0
        for size in [1, 0, 3, 7, 1000, 2, 4093].cycled(until: raw.count) {
            let end = min(raw.count, position + size)
            let block = try decoder.decode(Array(raw[position..<end]))
            #expect(block[0].count == block[1].count)
            for c in 0..<2 { decoded[c] += block[c] }
            position = end
            if position == raw.count { break }
        }
        #expect(decoder.pendingBytes == 0 && decoder.decodedFrames == 2000)
        #expect(decoded == reference)
    }

    /// The G.711 tables are the standard ones: µ-law 0x00 is -32124/32768 and 0xFF is 0, A-law 0xD5 is
    /// +8/32768 and 0x2A is -32256/32768; every byte maps to a distinct value but the two zeros of µ-law.
    @Test func g711TablesAreTheStandardOnes() throws {
        var mu = RawAudioDecoder(encoding: .mulaw, channelCount: 1)
        let muValues = try mu.decode((0...255).map { UInt8($0) })[0]
        #expect(muValues[0] == -32124 / 32768 && muValues[0xFF] == 0 && muValues[0x7F] == 0 && muValues[0x80] == 32124 / 32768)
        #expect(Set(muValues).count == 255)
        var a = RawAudioDecoder(encoding: .alaw, channelCount: 1)
        let aValues = try a.decode((0...255).map { UInt8($0) })[0]
        #expect(aValues[0xD5] == 8 / 32768 && aValues[0x55] == -8 / 32768 && aValues[0x2A] == -32256 / 32768)
        #expect(Set(aValues).count == 256)
    }

    /// A NaN in float audio is reported with its channel and frame, across chunks.
    @Test func nonFiniteFloatIsRefusedWithWhereItIs() throws {
        var decoder = RawAudioDecoder(encoding: .pcmF32LE, channelCount: 2)
        let ok = [Float(0.1), 0.2, 0.3, 0.4].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        _ = try decoder.decode(ok)
        let bad = [Float(0.1), .nan].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        #expect(throws: AudioDecodingError.nonFiniteSamples(channel: 1, frame: 2)) { try decoder.decode(bad) }
    }
}

extension Array where Element == Int {
    /// The sizes repeated until their sum reaches `total`.
    func cycled(until total: Int) -> [Int] {
        var out: [Int] = [], sum = 0
        while sum < total { for size in self { out.append(size); sum += size } }
        return out
    }
}
