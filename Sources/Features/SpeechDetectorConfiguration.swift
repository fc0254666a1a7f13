/// Decision and smoothing parameters of `SpeechDetector` (frames are 10 ms).
public struct SpeechDetectorConfiguration: Sendable, Equatable {
    /// A frame is raw speech when the model's logit (log-odds of speech) exceeds this.
    public var threshold: Float = 0
    /// Raw speech runs shorter than this are dropped, frames.
    public var minimumRunFrames = 5
    /// Frames before an accepted run that are speech too (quiet onsets), frames.
    public var prerollFrames = 5
    /// Frames after a run that stay speech (word ends, short pauses), frames.
    public var hangoverFrames = 25

    public init() {}

    /// Frames between the newest frame computed and the newest frame decided:
    /// `minimumRunFrames − 1 + prerollFrames`.
    public var lookaheadFrames: Int { minimumRunFrames - 1 + prerollFrames }

    /// Input samples (16 kHz) past frame `t`'s centre `160·t` that must be pushed before frame `t` is
    /// decided: the analysis window's half and the decimator's delay (272), plus the lookahead frames.
    public var latencySamples: Int { SpeechFeatureExtractor.frameLookaheadSamples + SpeechFeatureExtractor.hopLength * lookaheadFrames }
}
