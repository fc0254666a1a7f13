import Features

/// How a model's input tensor is made from audio: which per-frame feature rows, in which order, how
/// they are normalised, and how long a window the network sees at once. Stored in the model file, so
/// the trainer and the server assemble exactly the same input.
public struct ModelInputSpec: Codable, Sendable, Equatable {
    /// One block of rows of the input matrix `[rows, frames]`.
    public enum Feature: String, Codable, Sendable, CaseIterable {
        /// Log-mel power, dB (`FeatureConfig.melBandCount` rows).
        case logMel = "log_mel"
        /// First-order delta of log-mel (`melBandCount` rows).
        case logMelDelta = "log_mel_delta"
        /// MFCC (`mfccCount` rows), and its deltas.
        case mfcc, mfccDelta = "mfcc_delta", mfccDeltaDelta = "mfcc_delta_delta"
        /// F0 in semitones above 55 Hz on voiced frames, 0 elsewhere (1 row).
        case pitch
        /// F0 in semitones relative to the median F0 of the clip's (or scoring window's) voiced frames,
        /// 0 on unvoiced frames (1 row): the contour without the speaker's register.
        case pitchRelative = "pitch_relative"
        /// 1 on voiced frames, 0 elsewhere (1 row).
        case voicing
        /// Frame energy, dB re full scale (1 row).
        case energy
        /// Zero-crossing rate, crossings per sample (1 row).
        case zeroCrossingRate = "zero_crossing_rate"
        /// Spectral centroid and roll-off (kHz) and flatness (3 rows).
        case spectralShape = "spectral_shape"
        /// Chroma (`chromaBinCount` rows).
        case chroma
    }

    /// How the `[rows, frames]` matrix is presented to the network.
    public enum Layout: String, Codable, Sendable {
        /// `[rows, frames]` as channels × time, for 1-D convolutions over time.
        case channelsByTime = "channels_by_time"
        /// `[1, rows, frames]`, an image for 2-D convolutions.
        case image
    }

    public var features: [Feature]
    public var layout: Layout
    /// Longest stretch of audio the network sees at once, seconds; longer audio is analysed in
    /// windows of at most this length (bounded memory per request whatever the audio's length).
    public var windowSeconds: Double
    /// Per-row mean and standard deviation from the training set: row r is fed as `(x - mean[r]) / std[r]`.
    public var mean: [Float]
    public var standardDeviation: [Float]
    /// Level-dependent rows (log-mel and what is derived from it, energy) made relative to the clip or
    /// window itself before `mean` / `standardDeviation` apply (`LevelNormalization`); nil (a manifest
    /// without the key, as every model before it) leaves them in dB re full scale.
    public var levelNormalization: LevelNormalization?

    public init(features: [Feature], layout: Layout, windowSeconds: Double, mean: [Float] = [], standardDeviation: [Float] = [],
                levelNormalization: LevelNormalization? = nil) {
        self.features = features
        self.layout = layout
        self.windowSeconds = windowSeconds
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.levelNormalization = levelNormalization
    }

    enum CodingKeys: String, CodingKey {
        case features, layout, windowSeconds = "window_seconds", mean, standardDeviation = "standard_deviation"
        case levelNormalization = "level_normalization"
    }

    /// Rows contributed by `feature` under `config`.
    public static func rowCount(of feature: Feature, config: FeatureConfig) -> Int {
        switch feature {
        case .logMel, .logMelDelta: config.melBandCount
        case .mfcc, .mfccDelta, .mfccDeltaDelta: config.mfccCount
        case .pitch, .pitchRelative, .voicing, .energy, .zeroCrossingRate: 1
        case .spectralShape: 3
        case .chroma: config.chromaBinCount
        }
    }

    /// Total rows of the input matrix.
    public func rowCount(config: FeatureConfig) -> Int {
        features.reduce(0) { $0 + Self.rowCount(of: $1, config: config) }
    }

    /// Whether assembling the input needs the YIN pitch track.
    public var needsPitch: Bool { features.contains(.pitch) || features.contains(.pitchRelative) || features.contains(.voicing) }
}
