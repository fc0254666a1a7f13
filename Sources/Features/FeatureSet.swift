import LinearAlgebra

/// All features of one clip (`FeatureExtractor.analyze`); every per-frame member has the same frame count.
public struct FeatureSet: Sendable, Equatable {
    /// Centre time of each frame, seconds.
    public var frameTimes: [Double]
    /// `[melBandCount, frames]`, dB.
    public var logMel: Matrix
    /// `[mfccCount, frames]`, and their first and second time derivatives (per frame).
    public var mfcc: Matrix
    public var mfccDelta: Matrix
    public var mfccDeltaDelta: Matrix
    /// `[chromaBinCount, frames]`, 0...1.
    public var chroma: Matrix
    public var spectralShape: SpectralShape
    public var pitch: PitchTrack
    /// Frame RMS (linear) and energy in dB.
    public var rms: [Float]
    public var energyDecibels: [Float]
    public var zeroCrossingRate: [Float]
    /// nil when `analyze` was asked to skip formants.
    public var formants: FormantTrack?
    public var voiceActivity: [Bool]
    public var speechRate: SpeechRate

    public var frameCount: Int { frameTimes.count }
}
