/// Zero-crossing rate with librosa.feature.zero_crossing_rate semantics: centred frames padded by
/// repeating the edge samples, values with |x| ≤ 1e-10 counted as +0, a crossing wherever the sign
/// bit changes between neighbours inside the frame, divided by the frame length.
enum ZeroCrossingRate {
    static let zeroThreshold: Float = 1e-10

    static func rate(_ samples: [Float], framing: CentredFrames) -> [Float] {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var result = [Float](repeating: 0, count: frameCount)
        let length = framing.frameLength
        let n = samples.count
        guard n > 0 else { return result }
        // Per-sample "is negative" flags of the edge-padded signal, built once: index i + pad is sample i.
        let pad = length / 2
        var negative = [UInt8](repeating: 0, count: n + 2 * pad + length)
        samples.withUnsafeBufferPointer { signal in
            negative.withUnsafeMutableBufferPointer { flags in
                let first: UInt8 = signal[0] < -zeroThreshold ? 1 : 0
                let last: UInt8 = signal[n - 1] < -zeroThreshold ? 1 : 0
                for i in 0..<pad { flags[i] = first }
                for i in 0..<n { flags[pad + i] = signal[i] < -zeroThreshold ? 1 : 0 }
                for i in (pad + n)..<flags.count { flags[i] = last }
                let base = flags.baseAddress!
                for t in 0..<frameCount {
                    // Frame t covers padded indices [t·hop, t·hop + length).
                    let frame = base + t * framing.hopLength
                    var crossings = 0
                    for j in 1..<length { crossings &+= Int(frame[j] ^ frame[j - 1]) }
                    result[t] = Float(crossings) / Float(length)
                }
            }
        }
        return result
    }
}
