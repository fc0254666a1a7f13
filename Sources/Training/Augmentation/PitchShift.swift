import AudioDecoding
import Foundation

/// Pitch shift with the duration kept: WSOLA time-stretch by `r = 2^(semitones/12)` (tempo slower
/// by `r`, pitch unchanged), then the speed-perturbation resample by `r` (everything `r` times
/// faster and higher), which brings the length back and leaves the pitch (and formants: this is not
/// formant-preserving) raised by `r`.
public enum PitchShift {
    /// `samples` (at `sampleRate`) shifted by `semitones` (may be fractional or negative), same length.
    public static func apply(_ samples: [Float], semitones: Double, sampleRate: Int) -> [Float] {
        guard semitones != 0, !samples.isEmpty else { return samples }
        let ratio = pow(2, semitones / 12)
        let stretched = TimeStretch.apply(samples, factor: ratio, frameLength: 512 * sampleRate / 16_000,
                                          tolerance: 128 * sampleRate / 16_000)
        var shifted = SpeedPerturbation.apply(stretched, factor: ratio, sampleRate: sampleRate)
        if shifted.count > samples.count { shifted.removeLast(shifted.count - samples.count) }
        if shifted.count < samples.count { shifted += [Float](repeating: 0, count: samples.count - shifted.count) }
        return shifted
    }
}
