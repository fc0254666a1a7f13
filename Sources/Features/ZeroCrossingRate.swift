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
                    // Sixteen neighbour pairs per step: XOR of 0/1 flags, summed in UInt8 lanes
                    // (at most 255 steps of ≤ 1 per lane before widening, so no wrap-around).
                    var crossings = 0
                    var j = 1
                    while j + 16 <= length {
                        var lanes = SIMD16<UInt8>()
                        var steps = 0
                        while j + 16 <= length && steps < 255 {
                            let current = UnsafeRawPointer(frame + j).loadUnaligned(as: SIMD16<UInt8>.self)
                            let previous = UnsafeRawPointer(frame + j - 1).loadUnaligned(as: SIMD16<UInt8>.self)
                            lanes &+= current ^ previous
                            j += 16
                            steps += 1
                        }
                        for lane in 0..<16 { crossings &+= Int(lanes[lane]) }
                    }
                    while j < length { crossings &+= Int(frame[j] ^ frame[j - 1]); j += 1 }
                    result[t] = Float(crossings) / Float(length)
                }
            }
        }
        return result
    }
}
