/// Builds RIFF/WAVE bytes by hand, including ones that lie, for bad-input tests.
public struct WAVBuilder {
    public var formatTag: UInt16 = 1          // 1 PCM, 3 float, 6 A-law, 7 mu-law
    public var channels: UInt16 = 1
    public var sampleRate: UInt32 = 16000
    public var bitsPerSample: UInt16 = 16
    /// The data chunk's payload.
    public var data: [UInt8] = []
    /// The data chunk size written in the header (defaults to the real size).
    public var declaredDataSize: UInt32?

    public init() {}

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u16(_ v: UInt16) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        let blockAlign = UInt16(truncatingIfNeeded: Int(channels) * Int(bitsPerSample) / 8)
        out += Array("RIFF".utf8); u32(UInt32(truncatingIfNeeded: 36 + data.count)); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); u32(16); u16(formatTag); u16(channels); u32(sampleRate)
        u32(sampleRate &* UInt32(blockAlign)); u16(blockAlign); u16(bitsPerSample)
        out += Array("data".utf8); u32(declaredDataSize ?? UInt32(data.count)); out += data
        return out
    }

    /// 16-bit PCM samples of `signal` (interleaved if several channels).
    public static func pcm16(_ signal: [Float]) -> [UInt8] {
        signal.flatMap { x -> [UInt8] in
            let v = Int16(max(-32768, min(32767, (x * 32767).rounded())))
            return withUnsafeBytes(of: v.littleEndian, Array.init)
        }
    }

    /// 32-bit float samples.
    public static func float32(_ signal: [Float]) -> [UInt8] {
        signal.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }
}
