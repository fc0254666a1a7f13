/// A causal, streaming speech / non-speech decision per 10 ms frame for one channel of 16 kHz audio.
///
/// Push samples in blocks of any size; decisions come out in frame order, frame `t` (centred on input
/// sample `160·t`, the front-end's framing) once `configuration.latencySamples` samples past its centre
/// have been pushed: the 272-sample analysis lookahead of `SpeechFeatureExtractor` plus
/// `configuration.lookaheadFrames` frames of smoothing (22 frames with the defaults: 3792 samples,
/// 237 ms, in all). `finish()` decides the rest, so a signal of `n` samples gets `1 + n / 160`
/// decisions, the same whatever the block sizes were; `detect(_:)` does it for a whole array.
///
/// Per frame: `SpeechFeatureExtractor` (noise floor, SNR, harmonicity, tonality, steadiness),
/// `SpeechDetectorModel` (a small perceptron, log-odds of speech) behind an SNR gate and a tone veto,
/// then `SpeechDecisionSmoother` (minimum run with a loud seed, pre-roll, hangover, gap filling).
/// One instance per channel; not thread-safe; no allocation per frame (decisions are appended to the
/// caller's array).
public final class SpeechDetector {
    public let configuration: SpeechDetectorConfiguration
    public let model: SpeechDetectorModel
    private let extractor = SpeechFeatureExtractor()
    private let smoother: SpeechDecisionSmoother

    public init(configuration: SpeechDetectorConfiguration = SpeechDetectorConfiguration(),
                model: SpeechDetectorModel = .standard) {
        self.configuration = configuration
        self.model = model
        smoother = SpeechDecisionSmoother(minimumRun: configuration.minimumRunFrames,
                                          preroll: configuration.prerollFrames, hangover: configuration.hangoverFrames,
                                          gapFill: configuration.gapFillFrames)
    }

    /// Samples pushed so far.
    public var sampleCount: Int { extractor.sampleCount }

    /// Samples a caller that can wait should pass to `primeNoiseFloor` (1.6 s: the floor's memory).
    public static let primingSamples = 25_600

    /// Learns the noise floor from the opening `samples` (up to `primingSamples`) before deciding
    /// anything, then expects the same samples pushed as usual. Without it the floor starts empty, so
    /// a recording that opens with speech (no pause yet for the minimum to land on) has its first
    /// words taken for the noise; with it the opening is judged against the quietest moments of its
    /// first 1.6 s. A stream that waits for those samples before its first decision gets the same.
    /// Call before the first `push`.
    public func primeNoiseFloor(_ samples: UnsafeBufferPointer<Float>) {
        precondition(sampleCount == 0, "SpeechDetector.primeNoiseFloor: call before the first push")
        let scratch = SpeechFeatureExtractor()
        scratch.push(UnsafeBufferPointer(rebasing: samples.prefix(Self.primingSamples))) { _, _ in }
        extractor.primeFloor(from: scratch)
    }

    /// Adds samples; appends the decisions of the frames that became final.
    public func push(_ samples: UnsafeBufferPointer<Float>, into decisions: inout [Bool]) {
        extractor.push(samples) { _, features in
            smoother.push(isRawSpeech(features), seed: isSeed(features)) { decisions.append($0) }
        }
    }

    /// Whether the frame may seed a segment: loud relative to the recent peak and to the floor.
    @inline(__always)
    private func isSeed(_ features: UnsafeBufferPointer<Float>) -> Bool {
        typealias F = SpeechFeatureExtractor.Feature
        return features[F.relativeLevel.rawValue] * 10 > -configuration.seedBelowPeakDecibels
            && features[F.totalSNR.rawValue] * 10 > configuration.seedSNRDecibels
    }

    /// The frame's raw decision: above the SNR gate, not a tone, and above the model's threshold.
    @inline(__always)
    private func isRawSpeech(_ features: UnsafeBufferPointer<Float>) -> Bool {
        typealias F = SpeechFeatureExtractor.Feature
        let tone = features[F.tonality.rawValue] >= configuration.toneTonality
            && features[F.steadiness.rawValue] >= configuration.toneSteadiness
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
        extractor.finish { _, features in
            smoother.push(isRawSpeech(features), seed: isSeed(features)) { decisions.append($0) }
        }
        smoother.finish { decisions.append($0) }
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
