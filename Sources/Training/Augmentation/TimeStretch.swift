import Foundation

/// Tempo change without pitch change by WSOLA (waveform-similarity overlap-add; Verhelst & Roelands
/// 1993): Hann-windowed frames are taken from the input at hop `synthesisHop / rate` and overlap-added
/// at hop `synthesisHop`, each frame's position adjusted within ±`tolerance` samples to best match
/// (by cross-correlation) the natural continuation of the previous frame, so periods line up and no
/// phasing is heard. Works well on speech for moderate factors (0.7–1.4).
public enum TimeStretch {
    /// `samples` lengthened by `factor` (output length `round(count · factor)`), pitch unchanged.
    /// - Parameters:
    ///   - frameLength: analysis frame, samples (~32 ms at 16 kHz: longer than two pitch periods).
    ///   - tolerance: search range for the frame position, samples.
    public static func apply(_ samples: [Float], factor: Double, frameLength: Int = 512, tolerance: Int = 128) -> [Float] {
        precondition(factor > 0, "stretch factor must be positive")
        let n = samples.count
        let outputCount = Int((Double(n) * factor).rounded())
        guard n > frameLength, abs(factor - 1) > 1e-9 else {
            return Array(samples.prefix(outputCount)) + [Float](repeating: 0, count: max(0, outputCount - n))
        }
        let hop = frameLength / 2  // synthesis hop: 50% overlap of Hann windows sums to a constant
        let analysisHop = Double(hop) / factor
        let window = (0..<frameLength).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(frameLength))) }
        // Padded input, so frames near the edges (and the search range) never read out of bounds.
        let pad = frameLength + tolerance
        let input = [Float](repeating: 0, count: pad) + samples + [Float](repeating: 0, count: pad + frameLength + hop)
        var output = [Float](repeating: 0, count: outputCount + frameLength)
        var norm = [Float](repeating: 0, count: outputCount + frameLength)
        var previous = pad  // input position of the previous frame
        var frame = 0
        input.withUnsafeBufferPointer { x in
            while frame * hop < outputCount {
                let nominal = pad + Int((Double(frame) * analysisHop).rounded())
                var position = nominal
                if frame > 0 {
                    // The frame that would have followed the previous one in the input.
                    let natural = previous + hop
                    var best = -Float.infinity
                    let lower = max(0, nominal - tolerance), upper = min(x.count - frameLength, nominal + tolerance)
                    if lower <= upper {
                        for candidate in lower...upper {
                            var correlation: Float = 0
                            // Stride 2 halves the cost with no audible difference.
                            for k in stride(from: 0, to: frameLength, by: 2) { correlation += x[candidate + k] * x[natural + k] }
                            if correlation > best { best = correlation; position = candidate }
                        }
                    }
                }
                let start = frame * hop
                for k in 0..<frameLength where start + k < output.count {
                    output[start + k] += window[k] * x[position + k]
                    norm[start + k] += window[k]
                }
                previous = position
                frame += 1
            }
        }
        return (0..<outputCount).map { norm[$0] > 1e-3 ? output[$0] / norm[$0] : output[$0] }
    }
}
