/// A waveform-level augmentation applied once to every file when the feature cache is built
/// (Kaldi-style precomputed copies; `FeatureStore.compute`), then drawn per example with
/// `copy_probability` (`BatchAssembler`). The telephone version of a copy goes through the telephone
/// channel after the copy's own change, as a noisy or reverberant call would.
public enum AudioCopy: Sendable, Equatable, CustomStringConvertible {
    /// `SpeedPerturbation` by this factor (tempo and pitch together; length × 1/factor).
    case speed(Double)
    /// `PitchShift` by this many semitones (duration kept).
    case pitch(semitones: Double)
    /// Additive white or pink noise (one of the two per file) at an SNR drawn uniformly per file from
    /// this range, dB (whole-clip powers, `Mixing.addNoise`).
    case noise(ClosedRange<Double>)
    /// A synthetic room (`Reverberation`) with an RT60 drawn uniformly per file from this range, s.
    case reverb(ClosedRange<Double>)

    /// The copy of `samples` (at `sampleRate`); `seed` (the file's index) draws the noise, its SNR and
    /// the room, on a stream of their own (never the robustness table's draws for the same file).
    public func apply(_ samples: [Float], sampleRate: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, streams: 0x636F_7079)
        switch self {
        case .speed(let factor):
            return SpeedPerturbation.apply(samples, factor: factor, sampleRate: sampleRate)
        case .pitch(let semitones):
            return PitchShift.apply(samples, semitones: semitones, sampleRate: sampleRate)
        case .noise(let snrRange):
            guard !samples.isEmpty else { return samples }
            let pink = generator.chance(0.5)
            let snr = generator.uniform(in: snrRange)
            let noise = pink ? Noise.pink(count: samples.count, generator: &generator) : Noise.white(count: samples.count, generator: &generator)
            return Mixing.addNoise(samples, noise: noise, snrDecibels: snr)
        case .reverb(let rt60Range):
            guard !samples.isEmpty else { return samples }
            let rt60 = generator.uniform(in: rt60Range)
            let response = Reverberation.impulseResponse(rt60Seconds: rt60, sampleRate: sampleRate, generator: &generator)
            return Reverberation.apply(samples, impulseResponse: response)
        }
    }

    public var description: String {
        switch self {
        case .speed(let factor): "speed \(factor)"
        case .pitch(let semitones): "pitch \(semitones > 0 ? "+" : "")\(semitones) st"
        case .noise(let range): "white/pink noise at \(range.lowerBound)-\(range.upperBound) dB SNR"
        case .reverb(let range): "reverb RT60 \(range.lowerBound)-\(range.upperBound) s"
        }
    }
}
