/// A causal, streaming speech / non-speech decision per 10 ms frame for one channel of 16 kHz audio.
///
/// Push samples in blocks of any size; decisions come out in frame order and never change once
/// appended. Frame `t` (centred on input sample `160·t`, the front-end's framing) is decided once
/// `configuration.latencySamples` samples past its centre have been pushed: the 272-sample analysis
/// lookahead of `SpeechFeatureExtractor` plus `configuration.lookaheadFrames` frames of smoothing
/// (22 frames with the defaults: 3792 samples, 237 ms, in all), and, while the noise floor is being
/// primed, not before `configuration.primingSamples` samples (1.6 s) have been pushed: then the
/// opening's decisions come out at once. `finish()` decides the rest (priming from what arrived if
/// the stream was shorter), so a signal of `n` samples gets `1 + n / 160` decisions, the same
/// whatever the block sizes were; `detect(_:)` does it for a whole array. `decidedFrames` and
/// `pendingFrames` say where a stream stands.
///
/// Per frame: `SpeechFeatureExtractor` (noise floor, SNR, harmonicity, tonality, steadiness),
/// `SpeechDetectorModel` (a small perceptron, log-odds of speech) behind an SNR gate and a tone veto,
/// then `SpeechDecisionSmoother` (minimum run with a loud seed, pre-roll, hangover, gap filling).
/// One instance per channel and stream; not thread-safe. Cheap to make: the FFT plan and the tables
/// are built once per process and shared (`SpeechDetectorResources`); no allocation per frame
/// (decisions are appended to the caller's array).
public final class SpeechDetector {
    public let configuration: SpeechDetectorConfiguration
    public let model: SpeechDetectorModel
    private let extractor: SpeechFeatureExtractor
    private let smoother: SpeechDecisionSmoother
    /// Decisions appended so far: frames `0..<decidedFrames` are final.
    public private(set) var decidedFrames = 0

    public init(configuration: SpeechDetectorConfiguration = SpeechDetectorConfiguration(),
                model: SpeechDetectorModel = .standard) {
        self.configuration = configuration
        self.model = model
        extractor = SpeechFeatureExtractor(primingSamples: configuration.primingSamples)
        smoother = SpeechDecisionSmoother(minimumRun: configuration.minimumRunFrames,
                                          preroll: configuration.prerollFrames, hangover: configuration.hangoverFrames,
                                          gapFill: configuration.gapFillFrames)
    }

    /// Samples pushed so far.
    public var sampleCount: Int { extractor.sampleCount }

    /// Frames begun (their centre pushed: `1 + sampleCount / 160`) whose decision has not been
    /// appended yet: what `finish` would still append now. Once primed, frame `t` is final when
    /// `160·t + latencySamples` samples are in, so this stays within `latencySamples / 160 + 1`
    /// (24 with the defaults); while priming it grows to the opening's frames (160).
    public var pendingFrames: Int { SpeechFeatureExtractor.frameCount(sampleCount: sampleCount) - decidedFrames }

    /// The default opening that primes the noise floor (`SpeechDetectorConfiguration.primingSamples`):
    /// 1.6 s, the floor's memory.
    public static let primingSamples = 25_600

    /// Adds samples; appends the decisions of the frames that became final.
    public func push(_ samples: UnsafeBufferPointer<Float>, into decisions: inout [Bool]) {
        extractor.push(samples) { _, features in decide(features, into: &decisions) }
    }

    /// Smooths one frame's raw decision; appends the decision that became final, if any.
    @inline(__always)
    private func decide(_ features: UnsafeBufferPointer<Float>, into decisions: inout [Bool]) {
        smoother.push(isRawSpeech(features), seed: isSeed(features)) { decision in
            decisions.append(decision)
            decidedFrames += 1
        }
    }

    /// Whether the frame may seed a segment: loud relative to the recent peak and to the floor.
    @inline(__always)
    private func isSeed(_ features: UnsafeBufferPointer<Float>) -> Bool {
        typealias F = SpeechFeatureExtractor.Feature
        return features[F.relativeLevel.rawValue] * 10 > -configuration.seedBelowPeakDecibels
            && features[F.totalSNR.rawValue] * 10 > configuration.seedSNRDecibels
            && features[F.harmonicity.rawValue] >= configuration.seedHarmonicity
    }

    /// The frame's raw decision: above the SNR gate, not a tone, and above the model's threshold.
    @inline(__always)
    private func isRawSpeech(_ features: UnsafeBufferPointer<Float>) -> Bool {
        typealias F = SpeechFeatureExtractor.Feature
        let tone = features[F.tonality.rawValue] >= configuration.toneTonality
            && (features[F.steadiness.rawValue] >= configuration.toneSteadiness
                || features[F.totalSNR.rawValue] * 10 >= configuration.toneOnsetSNRDecibels)
        return !tone && features[F.totalSNR.rawValue] * 10 > configuration.minimumSNRDecibels
            && model.logit(features) > configuration.threshold
    }

    /// Adds samples; returns the decisions of the frames that became final.
    public func push(_ samples: [Float]) -> [Bool] {
        var decisions: [Bool] = []
        samples.withUnsafeBufferPointer { push($0, into: &decisions) }
        return decisions
    }

    /// Ends the stream: appends the decisions of every remaining frame (`1 + n / 160` in all).
    public func finish(into decisions: inout [Bool]) {
        extractor.finish { _, features in decide(features, into: &decisions) }
        smoother.finish { decision in
            decisions.append(decision)
            decidedFrames += 1
        }
    }

    /// Ends the stream and returns the remaining decisions.
    public func finish() -> [Bool] {
        var decisions: [Bool] = []
        finish(into: &decisions)
        return decisions
    }

    /// Decisions for a whole signal: `1 + samples.count / 160` frames.
    public static func detect(_ samples: [Float], configuration: SpeechDetectorConfiguration = SpeechDetectorConfiguration(),
                              model: SpeechDetectorModel = .standard) -> [Bool] {
        let detector = SpeechDetector(configuration: configuration, model: model)
        var decisions: [Bool] = []
        decisions.reserveCapacity(SpeechFeatureExtractor.frameCount(sampleCount: samples.count))
        samples.withUnsafeBufferPointer { detector.push($0, into: &decisions) }
        detector.finish(into: &decisions)
        return decisions
    }
}
