/// Removes a corpus artefact before features are computed: RAVDESS files carry up to a second of
/// DIGITAL silence (exact zeros, a quarter of all samples) before and after the speech, which EMO-DB
/// and real calls never have. Left in, those frames sit at the log floor (−100 dB), dominate the
/// normalisation statistics and let the network tell corpora apart by their silences.
///
/// So: trim leading and trailing 10 ms frames more than `trimDecibels` below the loudest frame (keeping
/// `marginSeconds` of context), then add white dither at `ditherDecibels` dBFS (seeded per file), so
/// any remaining digital silence looks like a quiet room rather than −100 dB.
public struct RecordingCleanup: Sendable {
    /// Frames this far below the loudest one count as silence at the edges; 0 disables trimming.
    public var trimDecibels: Float
    /// Context kept around the trimmed speech, seconds.
    public var marginSeconds: Double
    /// RMS level of the added white noise, dBFS; nil adds none.
    public var ditherDecibels: Float?

    public init(trimDecibels: Float = 50, marginSeconds: Double = 0.15, ditherDecibels: Float? = -75) {
        self.trimDecibels = trimDecibels
        self.marginSeconds = marginSeconds
        self.ditherDecibels = ditherDecibels
    }

    /// The cleaned-up recording; `seed` makes the dither reproducible.
    public func apply(_ samples: [Float], sampleRate: Int, seed: UInt64) -> [Float] {
        var result = trimDecibels > 0 ? trim(samples, sampleRate: sampleRate) : samples
        if let ditherDecibels {
            var random = SeededGenerator(seed: seed, streams: 0xD17E)
            let amplitude = Float(pow(10, Double(ditherDecibels) / 20))
            for i in result.indices { result[i] += amplitude * Float(random.gaussian()) }
        }
        return result
    }

    func trim(_ samples: [Float], sampleRate: Int) -> [Float] {
        let frame = max(1, sampleRate / 100)
        let count = samples.count / frame
        guard count > 2 else { return samples }
        let energies: [Float] = (0..<count).map { f in
            var sum: Float = 0
            for i in (f * frame)..<((f + 1) * frame) { sum += samples[i] * samples[i] }
            return sum / Float(frame)
        }
        let peak = energies.max() ?? 0
        guard peak > 0 else { return samples }
        let threshold = peak * Float(pow(10, -Double(trimDecibels) / 10))
        guard let first = energies.firstIndex(where: { $0 > threshold }),
              let last = energies.lastIndex(where: { $0 > threshold }) else { return samples }
        let margin = Int(marginSeconds * Double(sampleRate))
        let lower = max(0, first * frame - margin)
        let upper = min(samples.count, (last + 1) * frame + margin)
        return Array(samples[lower..<upper])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
