#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The speech detector's per-frame evidence, computed causally from a 16 kHz stream: one vector of
/// `featureCount` numbers per 10 ms frame, all independent of the input gain.
///
/// The stream is decimated 4:1 (`DecimatingLowpass`, 0-1.7 kHz kept) and cut into 32 ms windows
/// (128 samples at 4 kHz) centred on the front-end's frame centres `160·t`; `SpeechFrameAnalyzer`
/// turns each window into the features (see `Feature`). Frame `t` is computed once input sample
/// `160·t + 272` has arrived (half the window, 256 samples, plus the decimator's 20-sample delay and
/// phase): `frameLookaheadSamples`. Not thread-safe; no allocation after `init`.
public final class SpeechFeatureExtractor {
    /// What each entry of the feature vector means (its index). SNRs are `10·log10` ratios of power to
    /// the tracked noise floor, clipped to [−5, 40] dB and divided by 10.
    public enum Feature: Int, CaseIterable, Sendable {
        /// Mean of the four band SNRs (94-344, 344-719, 719-1219, 1219-1844 Hz).
        case bandSNR
        /// Largest band SNR.
        case maxBandSNR
        /// SNR over 94-1844 Hz.
        case totalSNR
        /// Highest normalised autocorrelation peak of the above-floor amplitude spectrum's inverse
        /// transform, 70-500 Hz periods, [0, 1].
        case harmonicity
        /// Share of the above-floor energy within ±62 Hz of its two largest bins, [0, 1].
        case tonality
        /// Cosine similarity of the above-floor amplitude spectrum with that of 60 ms before, [0, 1].
        case steadiness
        /// `totalSNR` minus its recent peak (the peak falls 1.5 dB/s): the main talker is louder than babble.
        case relativeLevel
        /// 1 when this frame and the previous one are harmonic (> 0.5) with the same period, else 0.
        case pitchHold
        /// Harmonicity's recent maximum (falls 0.02 per frame): voicing within the last ~0.3 s.
        case voicedHold
        /// 100 ms exponential averages of band SNR, harmonicity, tonality, steadiness.
        case bandSNRShort, harmonicityShort, tonalityShort, steadinessShort
        /// 1 s exponential averages of the same and of `pitchHold`.
        case bandSNRLong, harmonicityLong, tonalityLong, steadinessLong, pitchHoldLong
    }
    public static let featureCount = Feature.allCases.count
    /// Input rate, Hz, and the frame hop, samples (10 ms).
    public static let sampleRate = 16_000
    public static let hopLength = 160
    /// Input samples past a frame's centre needed before the frame is computed.
    public static let frameLookaheadSamples = 272

    /// Low-rate samples between frame centres, and zeros standing for input before the first sample
    /// (frame 0's window starts 59 low-rate samples before the first output).
    static let lowRateHop = 40, leadingZeros = 59

    private let decimator = DecimatingLowpass()
    private let analyzer = SpeechFrameAnalyzer()
    /// Low-rate samples from the first one frame `emitted` needs; `lowRateCount` valid.
    private let lowRate: UnsafeMutablePointer<Float>
    private var lowRateCount = leadingZeros
    /// Scratch: decimator output (`chunkLength / 4 + 1`); the current frame's features.
    private let decimated: UnsafeMutablePointer<Float>
    private let features: UnsafeMutablePointer<Float>
    /// Frames emitted so far; the next one is frame `emitted`.
    public private(set) var emitted = 0

    public init() {
        let window = SpeechFrameAnalyzer.windowLength
        lowRate = .allocate(capacity: window + 1)
        lowRate.initialize(repeating: 0, count: window + 1)
        decimated = .allocate(capacity: DecimatingLowpass.chunkLength / 4 + 1)
        decimated.initialize(repeating: 0, count: DecimatingLowpass.chunkLength / 4 + 1)
        features = .allocate(capacity: Self.featureCount)
        features.initialize(repeating: 0, count: Self.featureCount)
    }

    deinit {
        lowRate.deallocate()
        decimated.deallocate()
        features.deallocate()
    }

    /// Input samples received so far.
    public var sampleCount: Int { decimator.received }

    /// Frames a whole signal of `sampleCount` samples has, as the front-end: `1 + sampleCount / 160`.
    /// Starts the noise floor from what `other` has seen (call before the first `push`).
    func primeFloor(from other: SpeechFeatureExtractor) {
        analyzer.primeFloor(from: other.analyzer)
    }

    public static func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hopLength }

    /// Adds samples and calls `body(t, features)` for every frame `t` they complete, in order.
    public func push(_ samples: UnsafeBufferPointer<Float>, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        var offset = 0
        while offset < samples.count {
            let count = min(DecimatingLowpass.chunkLength, samples.count - offset)
            consume(UnsafeBufferPointer(rebasing: samples[offset..<(offset + count)]), frameLimit: .max, body)
            offset += count
        }
    }

    /// Completes the frames that reach past the end of the input (zeros after it), so that
    /// `frameCount(sampleCount:)` frames have been emitted in all.
    public func finish(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let total = Self.frameCount(sampleCount: sampleCount)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.hopLength) { zeros in
            zeros.initialize(repeating: 0)
            while emitted < total { consume(UnsafeBufferPointer(zeros), frameLimit: total, body) }
        }
    }

    /// Decimates `block` (≤ `chunkLength` samples) and analyses every window it completes, up to frame
    /// `frameLimit` (padding must not create frames past the end).
    private func consume(_ block: UnsafeBufferPointer<Float>, frameLimit: Int, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let produced = decimator.process(block, into: decimated)
        let window = SpeechFrameAnalyzer.windowLength
        for i in 0..<produced {
            lowRate[lowRateCount] = decimated[i]
            lowRateCount += 1
            guard lowRateCount == window else { continue }
            guard emitted < frameLimit else { lowRateCount -= 1; continue }
            analyzer.analyse(lowRate, into: features)
            body(emitted, UnsafeBufferPointer(start: features, count: Self.featureCount))
            emitted += 1
            // The next frame starts `lowRateHop` samples later.
            let keep = window - Self.lowRateHop
            _ = memmove(lowRate, lowRate + Self.lowRateHop, keep * MemoryLayout<Float>.stride)
            lowRateCount = keep
        }
    }
}
