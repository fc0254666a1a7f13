import Foundation

/// Deterministic test signals.
public enum Signals {
    /// `amplitude · sin(2π f t + phase)` sampled at `sampleRate` Hz for `seconds`.
    public static func sine(frequency: Double, sampleRate: Int, seconds: Double, amplitude: Float = 0.5, phase: Double = 0) -> [Float] {
        let count = Int((seconds * Double(sampleRate)).rounded())
        return (0..<count).map { i in
            amplitude * Float(sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate) + phase))
        }
    }

    /// Power of `signal` at `frequency` Hz relative to its total power (Goertzel over the whole signal),
    /// in [0, 1]: close to 1 for a pure tone at that frequency.
    public static func toneFraction(_ signal: [Float], frequency: Double, sampleRate: Int) -> Double {
        let n = signal.count
        guard n > 0 else { return 0 }
        var re = 0.0, im = 0.0, total = 0.0
        // A Hann window keeps leakage from neighbouring bins out of the estimate.
        for (i, x) in signal.enumerated() {
            let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))
            let angle = 2 * Double.pi * frequency * Double(i) / Double(sampleRate)
            re += Double(x) * w * cos(angle)
            im -= Double(x) * w * sin(angle)
            total += Double(x) * Double(x) * w * w
        }
        // For a Hann-windowed tone A·sin(ωi): |X(ω)|² ≈ (A·N/4)² and Σ(x·w)² ≈ 3A²N/16, so the
        // ratio |X|² / Σ(x·w)² is N/3 for a pure tone; normalised, the fraction is 1.
        guard total > 0 else { return 0 }
        return min(1, (re * re + im * im) / (total * Double(n) / 3))
    }

    /// Root-mean-square level.
    public static func rms(_ signal: ArraySlice<Float>) -> Double {
        guard !signal.isEmpty else { return 0 }
        return (signal.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(signal.count)).squareRoot()
    }

    /// Frequency estimated from the mean period between rising zero crossings (linear interpolation), Hz.
    public static func zeroCrossingFrequency(_ signal: ArraySlice<Float>, sampleRate: Int) -> Double {
        var crossings: [Double] = []
        var previous = signal.first ?? 0
        for (offset, x) in signal.dropFirst().enumerated() {
            if previous < 0, x >= 0 {
                let i = Double(offset) + Double(previous / (previous - x))
                crossings.append(i)
            }
            previous = x
        }
        guard crossings.count >= 2 else { return 0 }
        return Double(sampleRate) * Double(crossings.count - 1) / (crossings.last! - crossings.first!)
    }
}

extension Signals {
    /// A voiced, speech-like test signal: a harmonic tone (f0 `pitch` Hz, 6 harmonics) with a 4 Hz
    /// syllable-rate envelope, at `amplitude` peak. Voice activity detection classifies it as speech.
    public static func speechLike(seconds: Double, sampleRate: Int = 16000, pitch: Double = 150, amplitude: Double = 0.3) -> [Float] {
        let n = Int(seconds * Double(sampleRate))
        return (0..<n).map { i in
            let t = Double(i) / Double(sampleRate)
            let envelope = 0.55 + 0.45 * sin(2 * Double.pi * 4 * t)
            let tone = (1...6).reduce(0.0) { $0 + sin(2 * Double.pi * pitch * Double($1) * t) / Double($1) }
            return Float(amplitude / 2 * envelope * tone)
        }
    }
}
