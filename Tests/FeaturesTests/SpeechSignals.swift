import Foundation
import TestSupport

/// Deterministic signals for the speech detector's tests: call-progress tones, noises and a
/// speech-like vowel sequence with its exact on/off reference, all at 16 kHz.
enum SpeechSignals {
    static let rate = 16_000.0

    static func white(seconds: Double, rms: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<Int(seconds * rate)).map { _ in Float(rms * random.normal()) }
    }

    /// Pink noise (Paul Kellet's filter), scaled to `rms`.
    static func pink(seconds: Double, rms: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        var b = [Double](repeating: 0, count: 7)
        let y = (0..<Int(seconds * rate)).map { _ -> Double in
            let w = random.normal()
            b[0] = 0.99886 * b[0] + w * 0.0555179; b[1] = 0.99332 * b[1] + w * 0.0750759
            b[2] = 0.96900 * b[2] + w * 0.1538520; b[3] = 0.86650 * b[3] + w * 0.3104856
            b[4] = 0.55000 * b[4] + w * 0.5329522; b[5] = -0.7616 * b[5] - w * 0.0168980
            let v = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362
            b[6] = w * 0.115926
            return v
        }
        let power = y.reduce(0) { $0 + $1 * $1 } / Double(max(1, y.count))
        return y.map { Float($0 * rms / power.squareRoot()) }
    }

    /// Sum of sines switched on for `on` s every `on + off` s (off = 0: continuous).
    static func tones(_ frequencies: [Double], seconds: Double, on: Double, off: Double, amplitude: Double) -> [Float] {
        let period = on + off
        return (0..<Int(seconds * rate)).map { i in
            let t = Double(i) / rate
            guard off == 0 || t.truncatingRemainder(dividingBy: period) < on else { return 0 }
            return Float(amplitude * frequencies.reduce(0) { $0 + sin(2 * Double.pi * $1 * t) })
        }
    }

    /// Keyed DTMF digits: 80 ms tones 80 ms apart, then 1 s pauses.
    static func dtmf(seconds: Double, amplitude: Double, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        let rows = [697.0, 770, 852, 941], columns = [1209.0, 1336, 1477, 1633]
        var x = [Float](repeating: 0, count: Int(seconds * rate))
        var start = 1600
        while start + 1280 < x.count {
            let pair = [rows[Int(random.next() % 4)], columns[Int(random.next() % 4)]]
            for i in start..<(start + 1280) {
                let t = Double(i) / rate
                x[i] = Float(amplitude * (sin(2 * Double.pi * pair[0] * t) + sin(2 * Double.pi * pair[1] * t)))
            }
            start += random.next() % 6 == 0 ? 16_000 : 2560
        }
        return x
    }

    /// Mains hum: `f0` and its harmonics to 2 kHz, amplitude ∝ 1/k.
    static func hum(f0: Double, seconds: Double, amplitude: Double) -> [Float] {
        (0..<Int(seconds * rate)).map { i in
            let t = Double(i) / rate
            var v = 0.0
            for k in 1...Int(2000 / f0) { v += sin(2 * Double.pi * Double(k) * f0 * t + Double(k)) / Double(k) }
            return Float(amplitude * v)
        }
    }

    /// A speech-like sequence: syllables of 150-300 ms (a source-filter vowel: glottal pulses at a
    /// gliding 100-250 Hz through two moving formant resonators, with a raised-cosine envelope) in
    /// phrases of 3-6, phrases 0.6-1.5 s apart, starting after 1 s. Returns the signal (peak ~0.3)
    /// and the reference per 10 ms frame (frames inside a phrase).
    static func syllables(seconds: Double, seed: UInt64) -> (samples: [Float], speech: [Bool]) {
        var random = SeededRandom(seed: seed)
        let n = Int(seconds * rate)
        var x = [Float](repeating: 0, count: n), speech = [Bool](repeating: false, count: 1 + n / 160)
        var position = Int(rate)
        while true {
            let count = 3 + Int(random.next() % 4)
            let lengths = (0..<count).map { _ in Int((0.15 + 0.15 * random.unit()) * rate) }
            guard position + lengths.reduce(0, +) < n - Int(rate / 2) else { break }
            let phraseStart = position
            for length in lengths {
                vowel(into: &x, at: position, length: length, random: &random)
                position += length
            }
            for t in (phraseStart / 160)...(position / 160) { speech[t] = true }
            position += Int((0.6 + 0.9 * random.unit()) * rate)
        }
        return (x, speech)
    }

    private static func vowel(into x: inout [Float], at start: Int, length: Int, random: inout SeededRandom) {
        let f0a = 100 + 150 * random.unit(), f0b = f0a * (0.8 + 0.4 * random.unit())
        let f1a = 300 + 500 * random.unit(), f1b = 300 + 500 * random.unit()
        let f2a = 900 + 1400 * random.unit(), f2b = 900 + 1400 * random.unit()
        var phase = 0.0, s1 = (0.0, 0.0), s2 = (0.0, 0.0), glottal = 0.0
        let r = exp(-Double.pi * 90 / rate)
        /// One two-pole resonator step at `f` Hz (90 Hz bandwidth), state (y[n−1], y[n−2]).
        func resonate(_ input: Double, _ f: Double, _ state: inout (Double, Double)) -> Double {
            let out = (1 - r) * input + 2 * r * cos(2 * Double.pi * f / rate) * state.0 - r * r * state.1
            state = (out, state.0)
            return out
        }
        for i in 0..<length {
            let u = Double(i) / Double(length)
            phase += (f0a + (f0b - f0a) * u) / rate
            let pulse = phase >= 1 ? 1.0 : 0.0
            if phase >= 1 { phase -= 1 }
            glottal = 0.95 * glottal + pulse
            let y = resonate(resonate(glottal, f1a + (f1b - f1a) * u, &s1), f2a + (f2b - f2a) * u, &s2)
            let envelope = 0.5 - 0.5 * cos(2 * Double.pi * u)
            x[start + i] += Float(0.3 * envelope * y)
        }
    }

    static func rms(_ x: [Float], where mask: [Bool]? = nil) -> Double {
        var sum = 0.0, count = 0
        for (i, v) in x.enumerated() where mask.map({ $0[min($0.count - 1, i / 160)] }) ?? true { sum += Double(v) * Double(v); count += 1 }
        return (sum / Double(max(1, count))).squareRoot()
    }
}
