import AudioDecoding

/// A narrow-band telephone channel for 16 kHz speech: high-pass at 300 Hz (2nd-order Butterworth),
/// down to 8 kHz through the band-limited resampler (which also removes everything above ~3.6 kHz,
/// the 3400 Hz telephone band edge plus the filter's transition), 8-bit G.711 mu-law through a real
/// mu-law WAV round trip (`AudioEncoder(.wavMuLaw)` + `AudioDecoder`), and back to 16 kHz. The model
/// trained on both versions serves 16 kHz and 8 kHz callers alike.
///
/// Deterministic (no random parameters), so its features are computed once per file and cached.
public struct TelephoneChannel: Sendable {
    public var lowCutHz: Double = 300

    public init() {}

    /// The telephone version of `samples` (mono, `sampleRate` Hz), same rate and length.
    public func apply(_ samples: [Float], sampleRate: Int) throws -> [Float] {
        let filtered = highPass(samples, sampleRate: sampleRate)
        let narrow = Resampler(from: sampleRate, to: 8000, quality: .high).resample(filtered)
        // Leave headroom so mu-law never clips.
        let peak = narrow.map(abs).max() ?? 0
        let scaled = peak > 0.99 ? narrow.map { $0 * 0.99 / peak } : narrow
        let bytes = try AudioEncoder().encode([scaled], sampleRate: 8000, format: .wavMuLaw)
        let decoded = try AudioDecoder().decode(bytes).channels[0]
        var wide = Resampler(from: 8000, to: sampleRate, quality: .high).resample(decoded)
        if wide.count < samples.count { wide += [Float](repeating: 0, count: samples.count - wide.count) }
        return Array(wide.prefix(samples.count))
    }

    /// 2nd-order Butterworth high-pass (RBJ biquad, Q = 1/√2) at `lowCutHz`.
    func highPass(_ x: [Float], sampleRate: Int) -> [Float] {
        let w0 = 2 * Double.pi * lowCutHz / Double(sampleRate)
        let alpha = sin(w0) / (2 * 0.5.squareRoot())
        let cosW0 = cos(w0)
        let a0 = 1 + alpha
        let b0 = (1 + cosW0) / 2 / a0, b1 = -(1 + cosW0) / a0, b2 = (1 + cosW0) / 2 / a0
        let a1 = -2 * cosW0 / a0, a2 = (1 - alpha) / a0
        var y = [Float](repeating: 0, count: x.count)
        var (x1, x2, y1, y2) = (0.0, 0.0, 0.0, 0.0)
        for i in 0..<x.count {
            let x0 = Double(x[i])
            let out = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            y[i] = Float(out)
            (x2, x1, y2, y1) = (x1, x0, y1, out)
        }
        return y
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
