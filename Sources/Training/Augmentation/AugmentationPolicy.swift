/// Which augmentations the trainer applies on the fly and how strongly: a Codable (JSON) config in
/// which every key is optional (missing keys keep the defaults documented here). Probabilities are
/// per example and independent; ranges are closed `[lower, upper]` pairs drawn uniformly.
public struct AugmentationPolicy: Codable, Sendable, Equatable {
    /// Probability of speed perturbation (tempo and pitch together).
    public var speedProbability: Double = 0.3
    /// Speed factors to choose from uniformly (Kaldi's 0.9 / 1.1; 1.0 is "no change").
    public var speedFactors: [Double] = [0.9, 1.1]

    /// Probability of a pitch shift (duration kept; WSOLA + resample, see `PitchShift`).
    public var pitchProbability: Double = 0.2
    /// Pitch shift range, semitones.
    public var pitchSemitones: [Double] = [-2, 2]

    /// Probability of a time shift (zeros in, no wrap-around).
    public var shiftProbability: Double = 0.3
    /// Largest shift, seconds, either direction.
    public var maxShiftSeconds: Double = 0.25

    /// Probability of a gain change.
    public var gainProbability: Double = 0.5
    /// Gain range, dB.
    public var gainDecibels: [Double] = [-6, 6]

    /// Probability of additive noise.
    public var noiseProbability: Double = 0.4
    /// Noise kinds to choose from uniformly (babble needs a pool of other clips, else white is used).
    public var noiseKinds: [Noise.Kind] = [.white, .pink, .babble]
    /// Signal-to-noise ratio range, dB.
    public var snrDecibels: [Double] = [5, 25]
    /// Number of talkers in babble noise, range.
    public var babbleTalkers: [Int] = [3, 6]

    /// Probability of passing the clip through the telephone channel (8 kHz, 300–3400 Hz, mu-law):
    /// what makes a studio-trained model usable on calls.
    public var telephoneProbability: Double = 0.3

    /// Window the waveform is randomly cropped or zero-padded to, seconds; nil keeps its length.
    /// Usually the model's `windowSeconds`.
    public var windowSeconds: Double? = nil

    /// Probability of SpecAugment masking on the feature matrix.
    public var specAugmentProbability: Double = 0.5
    /// The masks' counts and sizes.
    public var specAugment: SpecAugment = SpecAugment()

    public init() {}

    /// No augmentation at all (every probability 0): for validation and test data.
    public static let none: AugmentationPolicy = {
        var policy = AugmentationPolicy()
        policy.speedProbability = 0; policy.pitchProbability = 0; policy.shiftProbability = 0
        policy.gainProbability = 0; policy.noiseProbability = 0; policy.telephoneProbability = 0
        policy.specAugmentProbability = 0
        return policy
    }()

    /// Problems with the ranges and probabilities, empty when the policy is usable.
    public func validationErrors() -> [String] {
        var errors: [String] = []
        let probabilities = [("speedProbability", speedProbability), ("pitchProbability", pitchProbability),
                             ("shiftProbability", shiftProbability), ("gainProbability", gainProbability),
                             ("noiseProbability", noiseProbability), ("telephoneProbability", telephoneProbability),
                             ("specAugmentProbability", specAugmentProbability)]
        for (name, p) in probabilities where !(0...1).contains(p) { errors.append("\(name) must be in [0, 1], got \(p)") }
        for (name, range) in [("pitchSemitones", pitchSemitones), ("gainDecibels", gainDecibels), ("snrDecibels", snrDecibels)]
        where range.count != 2 || range[0] > range[1] {
            errors.append("\(name) must be [lower, upper], got \(range)")
        }
        if babbleTalkers.count != 2 || babbleTalkers[0] < 1 || babbleTalkers[0] > babbleTalkers[1] {
            errors.append("babbleTalkers must be [lower, upper] with lower ≥ 1, got \(babbleTalkers)")
        }
        if speedFactors.isEmpty || speedFactors.contains(where: { $0 <= 0.5 || $0 >= 2 }) {
            errors.append("speedFactors must be non-empty, each in (0.5, 2), got \(speedFactors)")
        }
        if noiseKinds.isEmpty { errors.append("noiseKinds must not be empty") }
        if maxShiftSeconds < 0 { errors.append("maxShiftSeconds must be ≥ 0") }
        if let windowSeconds, windowSeconds <= 0 { errors.append("windowSeconds must be positive") }
        return errors
    }

    enum CodingKeys: String, CodingKey {
        case speedProbability, speedFactors, pitchProbability, pitchSemitones, shiftProbability, maxShiftSeconds
        case gainProbability, gainDecibels, noiseProbability, noiseKinds, snrDecibels, babbleTalkers
        case telephoneProbability, windowSeconds, specAugmentProbability, specAugment
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.speedProbability, &speedProbability); try read(.speedFactors, &speedFactors)
        try read(.pitchProbability, &pitchProbability); try read(.pitchSemitones, &pitchSemitones)
        try read(.shiftProbability, &shiftProbability); try read(.maxShiftSeconds, &maxShiftSeconds)
        try read(.gainProbability, &gainProbability); try read(.gainDecibels, &gainDecibels)
        try read(.noiseProbability, &noiseProbability); try read(.noiseKinds, &noiseKinds)
        try read(.snrDecibels, &snrDecibels); try read(.babbleTalkers, &babbleTalkers)
        try read(.telephoneProbability, &telephoneProbability)
        windowSeconds = try c.decodeIfPresent(Double.self, forKey: .windowSeconds)
        try read(.specAugmentProbability, &specAugmentProbability); try read(.specAugment, &specAugment)
    }
}
