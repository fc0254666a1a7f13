/// Headerless audio as live-call platforms send it: interleaved samples in one encoding, in chunks
/// of any size (a chunk may end inside a sample or a multi-channel frame; the rest is kept for the
/// next one). Samples come out as libsndfile gives them for the same encodings in a file (16-bit and
/// G.711 values divided by 32768), so a stream and a file of the same audio decode alike.
public struct RawAudioDecoder: Sendable {
    public enum Encoding: String, Sendable, CaseIterable {
        /// 16-bit signed little-endian PCM.
        case pcmS16LE = "pcm_s16le"
        /// 32-bit IEEE float little-endian.
        case pcmF32LE = "pcm_f32le"
        /// G.711 µ-law, 8 bits.
        case mulaw
        /// G.711 A-law, 8 bits.
        case alaw

        /// Bytes per sample of one channel.
        public var bytesPerSample: Int {
            switch self {
            case .pcmS16LE: 2
            case .pcmF32LE: 4
            case .mulaw, .alaw: 1
            }
        }
    }

    public let encoding: Encoding
    public let channelCount: Int
    /// The bytes of an incomplete frame (all channels of one sample instant) from the last chunk.
    private var carry: [UInt8] = []
    /// Frames decoded so far (where a bad sample is reported).
    public private(set) var decodedFrames = 0

    public init(encoding: Encoding, channelCount: Int) {
        precondition(channelCount > 0, "RawAudioDecoder: at least one channel")
        self.encoding = encoding
        self.channelCount = channelCount
    }

    /// Bytes per frame (one sample of every channel).
    public var frameBytes: Int { encoding.bytesPerSample * channelCount }

    /// Bytes held back from the last chunk (less than one frame).
    public var pendingBytes: Int { carry.count }

    /// Decodes `bytes` after what was held back: `[channel][sample]`, equal lengths (possibly 0).
    /// Throws `nonFiniteSamples` for a NaN or infinity in 32-bit float audio (nothing of the chunk is
    /// then decoded, and the decoder should not be used again).
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) throws(AudioDecodingError) -> [[Float]] {
        let total = carry.count + bytes.count
        let frames = total / frameBytes
        var channels = [[Float]](repeating: [Float](repeating: 0, count: frames), count: channelCount)
        guard frames > 0 else {
            carry += bytes
            return channels
        }
        var joined = carry
        joined.reserveCapacity(frames * frameBytes)
        joined += bytes[0..<(frames * frameBytes - carry.count)]
        carry = Array(bytes[(frames * frameBytes - carry.count)...])
        var bad: AudioDecodingError?
        joined.withUnsafeBytes { raw in
            for c in 0..<channelCount where bad == nil {
                bad = channels[c].withUnsafeMutableBufferPointer { deinterleave(raw, channel: c, frames: frames, into: $0) }
            }
        }
        if let bad { throw bad }
        decodedFrames += frames
        return channels
    }

    public mutating func decode(_ bytes: [UInt8]) throws(AudioDecodingError) -> [[Float]] {
        let copy = bytes
        return try copy.withUnsafeBufferPointer { (buffer) throws(AudioDecodingError) in try decode(UnsafeRawBufferPointer(buffer)) }
    }

    /// Writes channel `channel` of `frames` frames to `out`; the error for a non-finite float sample.
    private func deinterleave(_ raw: UnsafeRawBufferPointer, channel: Int, frames: Int,
                              into out: UnsafeMutableBufferPointer<Float>) -> AudioDecodingError? {
        let stride = frameBytes, offset = channel * encoding.bytesPerSample
        switch encoding {
        case .pcmS16LE:
            for i in 0..<frames {
                let bits = UInt16(raw[i * stride + offset]) | UInt16(raw[i * stride + offset + 1]) << 8
                out[i] = Float(Int16(bitPattern: bits)) / 32768
            }
        case .pcmF32LE:
            for i in 0..<frames {
                let base = i * stride + offset
                let bits = UInt32(raw[base]) | UInt32(raw[base + 1]) << 8 | UInt32(raw[base + 2]) << 16 | UInt32(raw[base + 3]) << 24
                let value = Float(bitPattern: bits)
                guard value.isFinite else { return .nonFiniteSamples(channel: channel, frame: decodedFrames + i) }
                out[i] = value
            }
        case .mulaw:
            for i in 0..<frames { out[i] = G711.mulaw[Int(raw[i * stride + offset])] }
        case .alaw:
            for i in 0..<frames { out[i] = G711.alaw[Int(raw[i * stride + offset])] }
        }
        return nil
    }
}

/// G.711 expansion tables (ITU-T G.711; the classic Sun `g711.c` expansion, which libsndfile's tables
/// match): byte -> 16-bit linear value / 32768.
enum G711 {
    static let mulaw: [Float] = (0..<256).map { Float(expandMulaw(UInt8($0))) / 32768 }
    static let alaw: [Float] = (0..<256).map { Float(expandAlaw(UInt8($0))) / 32768 }

    /// µ-law byte -> linear, ±32124.
    static func expandMulaw(_ byte: UInt8) -> Int {
        let u = ~byte
        var t = (Int(u & 0x0F) << 3) + 0x84
        t <<= Int((u & 0x70) >> 4)
        return u & 0x80 != 0 ? 0x84 - t : t - 0x84
    }

    /// A-law byte -> linear, ±32256.
    static func expandAlaw(_ byte: UInt8) -> Int {
        let a = byte ^ 0x55
        var t = Int(a & 0x0F) << 4
        let segment = Int((a & 0x70) >> 4)
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t += 0x108; t <<= segment - 1
        }
        return a & 0x80 != 0 ? t : -t
    }
}
