import AudioDecoding

/// Speed perturbation (Ko et al. 2015, Kaldi's 0.9/1.0/1.1): the clip played `factor` times faster,
/// so tempo and pitch both scale by `factor` and the length by `1/factor`.
public enum SpeedPerturbation {
    /// `samples` (at `sampleRate`) sped up by `factor` (> 1 faster and higher, < 1 slower and lower):
    /// the samples are treated as if recorded at `sampleRate · factor` and resampled band-limited
    /// (libsoxr, medium quality, enough for augmentation) to `sampleRate`.
    public static func apply(_ samples: [Float], factor: Double, sampleRate: Int) -> [Float] {
        precondition(factor > 0, "speed factor must be positive")
        let sourceRate = Int((Double(sampleRate) * factor).rounded())
        guard sourceRate != sampleRate else { return samples }
        return Resampler(from: sourceRate, to: sampleRate, quality: .medium).resample(samples)
    }
}
