/// Zero-crossing rate with librosa.feature.zero_crossing_rate semantics: centred frames padded by
/// repeating the edge samples, values with |x| ≤ 1e-10 counted as +0, a crossing wherever the sign
/// bit changes between neighbours inside the frame, divided by the frame length.
enum ZeroCrossingRate {
    static let zeroThreshold: Float = 1e-10

    static func rate(_ samples: [Float], framing: CentredFrames) -> [Float] {
        let frameCount = framing.frameCount(sampleCount: samples.count)
        var result = [Float](repeating: 0, count: frameCount)
        let length = framing.frameLength
        samples.withUnsafeBufferPointer { signal in
            let n = signal.count
            guard n > 0 else { return }
            @inline(__always) func isNegative(_ index: Int) -> Bool {
                let x = signal[min(max(index, 0), n - 1)]  // edge padding
                return abs(x) > zeroThreshold && x.sign == .minus
            }
            for t in 0..<frameCount {
                let first = framing.start(ofFrame: t)
                var crossings = 0
                var previous = isNegative(first)
                for j in 1..<length {
                    let current = isNegative(first + j)
                    if current != previous { crossings += 1 }
                    previous = current
                }
                result[t] = Float(crossings) / Float(length)
            }
        }
        return result
    }
}
