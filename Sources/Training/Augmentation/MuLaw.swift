/// G.711 mu-law companding (ITU-T G.711, the North American / Japanese telephone codec), bit-exact
/// with libsndfile's `SF_FORMAT_ULAW` reading and writing, so the telephone channel needs no
/// in-memory WAV round trip (a test checks the two agree on every 16-bit input).
///
/// Float samples map to 14-bit as libsndfile does: `round(x · 32767 / 4)` (to nearest even, in
/// single precision), and the magnitude is encoded with the standard segment/quantiser layout
/// (clip at 8159, bias 33, eight segments of 16 steps, bits inverted). Decoding returns the segment midpoint
/// `/ 32768`. Inputs beyond ±1 saturate.
public enum MuLaw {
    /// The mu-law byte for `sample` (nominally in [-1, 1]).
    public static func encode(_ sample: Float) -> UInt8 {
        let clipped = min(1, max(-1, sample.isNaN ? 0 : sample))
        // libsndfile scales straight to 14 bits in single precision and rounds (lrintf).
        let pcm = Int((clipped * (32767 / 4)).rounded(.toNearestOrEven))
        let magnitude = min(abs(pcm), 8159) + 33
        // Segment s holds magnitudes below 64·2^s (magnitude in 33...8192).
        var segment = 0
        while (segment < 8) && (magnitude >= (0x40 << segment)) { segment += 1 }
        // Past the last segment (only full scale) the code saturates at segment 7, step 15.
        let code = segment == 8 ? UInt8(0x7F) : UInt8((segment << 4) | ((magnitude >> (segment + 1)) & 0x0F))
        return pcm < 0 ? ~code & 0x7F : ~code
    }

    /// The sample value of mu-law byte `code`, in [-32124/32768, 32124/32768].
    public static func decode(_ code: UInt8) -> Float {
        let inverted = Int(~code)
        var t = ((inverted & 0x0F) << 3) + 0x84
        t <<= (inverted & 0x70) >> 4
        let value = (inverted & 0x80) != 0 ? 0x84 - t : t - 0x84
        return Float(value) / 32768
    }

    /// Encode then decode every sample: what a mu-law link does to the waveform.
    public static func roundTrip(_ samples: [Float]) -> [Float] {
        samples.map { decodeTable[Int(encode($0))] }
    }

    static let decodeTable: [Float] = (0...255).map { decode(UInt8($0)) }
}
