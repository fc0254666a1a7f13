#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Frame energy: RMS with librosa.feature.rms semantics (centred zero-padded frames of
/// `frameLength`, `sqrt(mean(x²))`), accumulated in Double.
enum FrameEnergy {
    static func rms(_ samples: [Float], framing: CentredFrames) -> [Float] {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var result = [Float](repeating: 0, count: frameCount)
        samples.withUnsafeBufferPointer { signal in
            let n = signal.count
            for t in 0..<frameCount {
                let first = framing.start(ofFrame: t)
                let lo = max(0, first), hi = min(n, first + framing.frameLength)
                let sum = hi > lo ? sumOfSquares(signal.baseAddress! + lo, count: hi - lo) : 0
                result[t] = Float((sum / Double(framing.frameLength)).squareRoot())
            }
        }
        return result
    }

    /// `Σ x²` over `count` samples: eight independent Float lanes (vectorisable), combined in Double,
    /// with the tail in Double. The one summation both the whole-signal and the streaming energy use.
    @inline(__always)
    static func sumOfSquares(_ samples: UnsafePointer<Float>, count: Int) -> Double {
        var lanes = SIMD8<Float>()
        var s = 0
        while s + 8 <= count {
            let v = UnsafeRawPointer(samples + s).loadUnaligned(as: SIMD8<Float>.self)
            lanes += v * v
            s += 8
        }
        var sum = Double(lanes.sum())
        while s < count { sum += Double(samples[s]) * Double(samples[s]); s += 1 }
        return sum
    }

    /// `10 · log10(max(floor, rms²))` dB (the power floor matches the log-mel floor: 1e-10 ↔ −100 dB).
    static func decibels(rms: [Float], floor: Float) -> [Float] {
        rms.map { 10 * log10(max(floor, $0 * $0)) }
    }
}
