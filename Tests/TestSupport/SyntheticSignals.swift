import Foundation

/// Deterministic test signals.
public enum SyntheticSignals {
    public static func sine(frequency: Double, sampleRate: Int, seconds: Double, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(seconds * Double(sampleRate))).map {
            Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate)))
        }
    }

    /// Harmonic tone: `harmonics` partials of `frequency` with amplitudes 1/k, scaled to `amplitude`.
    public static func harmonicTone(frequency: Double, sampleRate: Int, seconds: Double, harmonics: Int = 6,
                             amplitude: Double = 0.5) -> [Float] {
        let n = Int(seconds * Double(sampleRate))
        var y = [Double](repeating: 0, count: n)
        for k in 1...harmonics where Double(k) * frequency < Double(sampleRate) / 2 {
            for i in 0..<n { y[i] += sin(2 * Double.pi * Double(k) * frequency * Double(i) / Double(sampleRate)) / Double(k) }
        }
        let peak = y.map(abs).max() ?? 1
        return y.map { Float(amplitude * $0 / peak) }
    }

    /// Seeded uniform white noise in [-amplitude, amplitude].
    public static func noise(count: Int, amplitude: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(amplitude * (2 * random.unit() - 1)) }
    }

    /// A source-filter vowel: an impulse train at `f0` with −6 dB/octave tilt through cascaded
    /// two-pole resonators at `formants` (Hz) with `bandwidths` (Hz), scaled to peak 0.5.
    public static func vowel(f0: Double, formants: [Double], bandwidths: [Double], sampleRate: Int, seconds: Double) -> [Float] {
        let n = Int(seconds * Double(sampleRate)), sr = Double(sampleRate)
        var y = [Double](repeating: 0, count: n)
        let period = sr / f0
        var next = 0.0
        for i in 0..<n where Double(i) >= next { y[i] = 1; next += period }
        // Glottal tilt.
        var previous = 0.0
        for i in 0..<n { previous = y[i] + 0.95 * previous; y[i] = previous }
        for (frequency, bandwidth) in zip(formants, bandwidths) {
            let r = exp(-Double.pi * bandwidth / sr), theta = 2 * Double.pi * frequency / sr
            let a1 = -2 * r * cos(theta), a2 = r * r
            var y1 = 0.0, y2 = 0.0
            for i in 0..<n {
                let out = (1 - r) * y[i] - a1 * y1 - a2 * y2
                y2 = y1; y1 = out; y[i] = out
            }
        }
        let peak = y.map(abs).max() ?? 1
        return y.map { Float(0.5 * $0 / peak) }
    }
}
