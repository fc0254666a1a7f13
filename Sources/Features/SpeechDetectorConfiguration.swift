/// Decision and smoothing parameters of `SpeechDetector` (frames are 10 ms).
public struct SpeechDetectorConfiguration: Sendable, Equatable {
    /// A frame is raw speech when the model's logit (log-odds of speech) exceeds this.
    public var threshold: Float = 0
    /// A frame whose power over 94-1844 Hz is not this far above the tracked noise floor is never raw
    /// speech, whatever the model says, dB (the model was not trained to extrapolate there: a steady tone
    /// once absorbed by the floor is "perfectly harmonic" but below it).
    public var minimumSNRDecibels: Float = 0
    /// A frame at least this tonal (share of the above-floor energy in two narrow peaks) and this steady
    /// (spectral similarity with 60 ms before) is a tone, never raw speech: call-progress tones and
    /// hum that the floor is still catching up with. Speech harmonics move and spread.
    public var toneTonality: Float = 0.99
    public var toneSteadiness: Float = 0.8
    /// A frame that tonal and at least this far above the noise floor is a tone even before it is
    /// steady, dB: the onset of a DTMF digit or a ringback burst over a quiet line, whose first 60 ms
    /// have nothing steady to compare with. Speech this far above the floor spreads over many harmonics.
    public var toneOnsetSNRDecibels: Float = 35
    /// A run of raw speech is accepted only if one of its frames (a seed) is within this many dB of the
    /// recent level peak (`SpeechFeatureExtractor.Feature.relativeLevel`, the peak falling 1.5 dB/s)
    /// and this far above the floor: the main talker, not the babble 15-20 dB under it.
    public var seedBelowPeakDecibels: Float = 12
    public var seedSNRDecibels: Float = 6
    /// A seed is also at least this harmonic (`Feature.harmonicity`, 0-1): a talk spurt has a vowel; a
    /// line noise whose level just rose (the floor follows a rise only after its 1.6 s memory) has none.
    public var seedHarmonicity: Float = 0.5
    /// Raw speech runs shorter than this are dropped, frames.
    public var minimumRunFrames = 3
    /// Frames before an accepted run that are speech too (quiet onsets), frames.
    public var prerollFrames = 2
    /// Frames after a run that stay speech (word ends), frames.
    public var hangoverFrames = 5
    /// Gaps between accepted runs of at most this many frames are filled (pauses inside a phrase).
    public var gapFillFrames = 20
    /// Opening samples (16 kHz) whose frames prime the noise floor before any of them is decided
    /// (`SpeechDetector.primingSamples`, 1.6 s: the floor's memory); 0 decides from the first frame on
    /// with an empty floor, which takes a recording that opens with speech for noise until its first
    /// pause.
    public var primingSamples = 25_600

    public init() {}

    /// Frames between the newest frame computed and the newest frame decided:
    /// `minimumRunFrames − 1 + max(prerollFrames, gapFillFrames)` (22 with the defaults).
    public var lookaheadFrames: Int { minimumRunFrames - 1 + max(prerollFrames, gapFillFrames) }

    /// Input samples (16 kHz) past frame `t`'s centre `160·t` that must be pushed before frame `t` is
    /// decided: the analysis window's half and the decimator's delay (272), plus the lookahead frames.
    /// While priming, nothing is decided before `primingSamples` samples have been pushed.
    public var latencySamples: Int { SpeechFeatureExtractor.frameLookaheadSamples + SpeechFeatureExtractor.hopLength * lookaheadFrames }
}
