import Foundation

/// A linear-phase FIR band-pass filter designed by the Kaiser window method (windowed ideal
/// band-pass = difference of two sincs), applied with its delay compensated so output sample `i`
/// lines up with input sample `i`.
///
/// Used for the telephone channel's 300–3400 Hz band: a FIR gives a steep, exactly specified
/// stop band (a 4th-order Butterworth high-pass at 300 Hz would attenuate 200 Hz by only 14 dB) and
/// no phase distortion of the speech.
public struct BandPassFilter: Sendable {
    /// Filter taps (odd length, symmetric).
    public let taps: [Float]
    public let sampleRate: Int

    /// - Parameters:
    ///   - low, high: pass-band edges, Hz (gain within ±0.01 dB above `low` and below `high` for 70 dB).
    ///   - transition: width of each transition band, Hz (the stop band starts `transition` outside
    ///     the pass band).
    ///   - attenuation: minimum stop-band attenuation, dB.
    public init(low: Double, high: Double, transition: Double, attenuation: Double = 70, sampleRate: Int) {
        precondition(0 < low && low < high && high + transition <= Double(sampleRate) / 2 + 1e-9,
                     "band-pass edges must satisfy 0 < low < high < Nyquist − transition")
        self.sampleRate = sampleRate
        let rate = Double(sampleRate)
        // Kaiser's formulas (Oppenheim & Schafer §7.6): order from attenuation and transition width.
        let deltaOmega = 2 * Double.pi * transition / rate
        var order = Int(((attenuation - 7.95) / (2.285 * deltaOmega)).rounded(.up))
        if order % 2 == 1 { order += 1 }  // even order = odd length, type I (integer delay)
        let beta: Double = attenuation > 50 ? 0.1102 * (attenuation - 8.7)
            : attenuation >= 21 ? 0.5842 * pow(attenuation - 21, 0.4) + 0.07886 * (attenuation - 21) : 0
        // Cut-offs at the middle of each transition band.
        let f1 = (low - transition / 2) / rate, f2 = (high + transition / 2) / rate
        let half = order / 2
        let denominator = Self.besselI0(beta)
        taps = (0...order).map { n in
            let m = Double(n - half)
            let ideal = m == 0 ? 2 * (f2 - f1) : (sin(2 * .pi * f2 * m) - sin(2 * .pi * f1 * m)) / (.pi * m)
            let r = m / Double(half)
            let window = Self.besselI0(beta * max(0, 1 - r * r).squareRoot()) / denominator
            return Float(ideal * window)
        }
    }

    /// The filtered signal, same length, delay removed (zeros assumed outside the signal).
    public func apply(_ signal: [Float]) -> [Float] {
        let n = signal.count, length = taps.count, half = length / 2
        var output = [Float](repeating: 0, count: n)
        signal.withUnsafeBufferPointer { x in
            taps.withUnsafeBufferPointer { h in
                output.withUnsafeMutableBufferPointer { y in
                    for i in 0..<n {
                        // y[i] = Σ_k h[k] · x[i + half − k]
                        let kLow = max(0, i + half - (n - 1)), kHigh = min(length - 1, i + half)
                        var sum: Float = 0
                        if kLow <= kHigh {
                            for k in kLow...kHigh { sum += h[k] * x[i + half - k] }
                        }
                        y[i] = sum
                    }
                }
            }
        }
        return output
    }

    /// Magnitude response at `frequency` Hz (for documentation and tests).
    public func gain(at frequency: Double) -> Double {
        var re = 0.0, im = 0.0
        let omega = 2 * Double.pi * frequency / Double(sampleRate)
        for (n, h) in taps.enumerated() {
            re += Double(h) * cos(omega * Double(n))
            im -= Double(h) * sin(omega * Double(n))
        }
        return (re * re + im * im).squareRoot()
    }

    /// Zeroth-order modified Bessel function of the first kind (power series; converges fast for the
    /// β ≤ 15 used here).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        for k in 1..<60 {
            term *= q / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
