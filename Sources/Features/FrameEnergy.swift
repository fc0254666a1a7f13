import Foundation

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
                // Eight independent Float lanes (vectorisable), combined in Double.
                var lanes = SIMD8<Float>()
                var s = lo
                while s + 8 <= hi {
                    let v = SIMD8<Float>(signal[s..<(s + 8)])
                    lanes += v * v
                    s += 8
                }
                var sum = Double(lanes.sum())
                while s < hi { sum += Double(signal[s]) * Double(signal[s]); s += 1 }
                result[t] = Float((sum / Double(framing.frameLength)).squareRoot())
            }
        }
        return result
    }

    /// `10 · log10(max(floor, rms²))` dB (the power floor matches the log-mel floor: 1e-10 ↔ −100 dB).
    static func decibels(rms: [Float], floor: Float) -> [Float] {
        rms.map { 10 * log10(max(floor, $0 * $0)) }
    }
}
