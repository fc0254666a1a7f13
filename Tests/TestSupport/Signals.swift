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
    /// A speech-like test signal that the speech detector takes for speech: phrases of 3-6 syllables of
    /// 150-300 ms with 0.25-0.45 s pauses, each syllable a source-filter vowel (glottal pulses gliding
    /// between 0.7 and 1.6 times `pitch` Hz through
    /// two moving formant resonators, with a raised-cosine envelope), at `amplitude` peak, over a faint
    /// noise floor 50 dB down. Seeded by
    /// `pitch` and the length, so the same call gives the same samples.
    public static func speechLike(seconds: Double, sampleRate: Int = 16000, pitch: Double = 150, amplitude: Double = 0.3) -> [Float] {
        let rate = Double(sampleRate), n = Int(seconds * rate)
        var x = [Float](repeating: 0, count: n)
        var random = SeededRandom(seed: UInt64(pitch * 1000) &+ UInt64(n))
        var position = 0, syllablesLeft = 3 + Int(random.next() % 4)
        while position < n {
            let length = min(n - position, Int((0.15 + 0.15 * Double(random.uniform())) * rate))
            vowel(into: &x, at: position, length: length, pitch: pitch, sampleRate: rate, random: &random)
            position += length
            syllablesLeft -= 1
            if syllablesLeft == 0 {
                // A pause between phrases, as speech has.
                position += Int((0.25 + 0.2 * Double(random.uniform())) * rate)
                syllablesLeft = 3 + Int(random.next() % 4)
            }
        }
        // A faint room-noise floor 50 dB under the peak: real recordings have one, and a detector that
        // tracks the noise floor needs it (a pure synthetic signal has exact zeros between syllables).
        let peak = x.map { abs($0) }.max() ?? 0
        let scale = peak > 0 ? Float(amplitude) / peak : 0, noise = Float(amplitude) * 0.05
        return x.map { $0 * scale + (random.uniform() - 0.5) * noise }
    }

    /// One syllable: glottal pulses through two resonators (90 Hz bandwidth) whose frequencies glide.
    private static func vowel(into x: inout [Float], at start: Int, length: Int, pitch: Double, sampleRate rate: Double,
                              random: inout SeededRandom) {
        let u0 = Double(random.uniform()), u1 = Double(random.uniform())
        let f0a = pitch * (0.7 + 0.9 * u0), f0b = pitch * (0.7 + 0.9 * u1)
        let f1a = 300 + 500 * Double(random.uniform()), f1b = 300 + 500 * Double(random.uniform())
        let f2a = 900 + 1400 * Double(random.uniform()), f2b = 900 + 1400 * Double(random.uniform())
        var phase = 0.0, glottal = 0.0, s1 = (0.0, 0.0), s2 = (0.0, 0.0)
        let r = exp(-Double.pi * 90 / rate)
        func resonate(_ input: Double, _ f: Double, _ state: inout (Double, Double)) -> Double {
            let out = (1 - r) * input + 2 * r * cos(2 * Double.pi * min(f, rate * 0.45) / rate) * state.0 - r * r * state.1
            state = (out, state.0)
            return out
        }
        for i in 0..<length {
            let u = Double(i) / Double(max(1, length))
            phase += (f0a + (f0b - f0a) * u) / rate
            let pulse = phase >= 1 ? 1.0 : 0.0
            if phase >= 1 { phase -= 1 }
            glottal = 0.95 * glottal + pulse
            let y = resonate(resonate(glottal, f1a + (f1b - f1a) * u, &s1), f2a + (f2b - f2a) * u, &s2)
            x[start + i] += Float((0.5 - 0.5 * cos(2 * Double.pi * u)) * y)
        }
    }
}
