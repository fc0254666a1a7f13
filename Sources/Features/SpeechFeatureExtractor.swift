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
/// phase): `frameLookaheadSamples`.
///
/// **Priming** (`primingSamples > 0`): the noise floor that every feature is measured against is
/// first learnt from the frames the opening `primingSamples` complete (`primingFrames`), and only
/// then are those frames' features computed and handed out, followed by the rest as they come. The
/// extractor keeps each opening frame's power spectrum (112 bins, the only per-frame input of the
/// floor-dependent steps), not the samples, so no sample is analysed twice. Without priming a
/// recording that opens with speech has no pause yet for the floor's minimum to land on. A stream
/// shorter than the opening is primed from what arrived when `finish` is called.
///
/// Not thread-safe (one instance per channel); the tables and FFT plan are the process's
/// (`SpeechDetectorResources`), so making one costs a few small allocations and no planning. No
/// allocation per frame.
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
    /// Low-rate outputs frame 0 computes (`y[0...68]`, in whole batches of eight) and every later
    /// frame (`y[40t + 29 ..< 40t + 69]`).
    private static let firstFrameOutputs = 72, frameOutputs = 40
    /// Input buffer: capacity, and room kept free past the newest sample for the decimator's block reads.
    private static let inputCapacity = 4096, inputSlack = 64
    /// Low-rate buffer: one window plus eight frames' new samples before it slides.
    private static let lowRateCapacity = SpeechFrameAnalyzer.windowLength + 8 * lowRateHop

    /// Samples whose frames are primed together (0: no priming), and those frames: every `t` with
    /// `160·t + frameLookaheadSamples < primingSamples`.
    public let primingSamples: Int
    public let primingFrames: Int

    private let decimator: DecimatingLowpass
    private let analyzer: SpeechFrameAnalyzer
    /// 16 kHz input: `input[i]` is `x[inputStart + i]` for `i < inputCount` (zeros before the first
    /// sample, and after the last once `finish` pads).
    private let input: UnsafeMutablePointer<Float>
    private var inputStart = -DecimatingLowpass.history
    private var inputCount = DecimatingLowpass.history
    /// 4 kHz decimator output: `lowRate[i]` is `y[lowStart + i]` (`y[m] = 0` for `m < 0`).
    private let lowRate: UnsafeMutablePointer<Float>
    private var lowStart = -leadingZeros
    private let features: UnsafeMutablePointer<Float>
    /// The opening frames' power spectra (`primingFrames` rows of `SpeechFrameAnalyzer.usedBins`)
    /// until the floor is primed, then nil.
    private var opening: UnsafeMutablePointer<Float>?
    /// The opening's first frame: the first that is not digital silence (the leading zeros of a
    /// silence-suppressed line or a muted channel say nothing about the line's noise).
    private var openingStart = 0
    /// Frames whose spectrum has been computed; frames emitted (the next one is frame `emitted`).
    private var computed = 0
    public private(set) var emitted = 0
    /// Input samples received so far (`sampleCount`), and how far the input is known including
    /// `finish`'s zero padding.
    public private(set) var sampleCount = 0
    private var available = 0

    /// - Parameter primingSamples: opening samples whose frames prime the noise floor before their
    ///   features are computed (`SpeechDetector.primingSamples`, 1.6 s, in the detector); 0 (the
    ///   default here) computes every frame as soon as its samples are in.
    public init(primingSamples: Int = 0) {
        precondition(primingSamples >= 0, "SpeechFeatureExtractor: negative primingSamples")
        self.primingSamples = primingSamples
        primingFrames = primingSamples > Self.frameLookaheadSamples
            ? (primingSamples - Self.frameLookaheadSamples - 1) / Self.hopLength + 1 : 0
        let resources = SpeechDetectorResources.shared
        decimator = DecimatingLowpass(resources: resources)
        analyzer = SpeechFrameAnalyzer(resources: resources)
        input = .allocate(capacity: Self.inputCapacity)
        input.initialize(repeating: 0, count: Self.inputCapacity)
        lowRate = .allocate(capacity: Self.lowRateCapacity)
        lowRate.initialize(repeating: 0, count: Self.lowRateCapacity)
        features = .allocate(capacity: Self.featureCount)
        features.initialize(repeating: 0, count: Self.featureCount)
        if primingSamples > 0 {
            let count = max(1, primingFrames) * SpeechFrameAnalyzer.usedBins
            opening = .allocate(capacity: count)
            opening!.initialize(repeating: 0, count: count)
        }
    }

    deinit {
        input.deallocate()
        lowRate.deallocate()
        features.deallocate()
        opening?.deallocate()
    }

    /// Frames a whole signal of `sampleCount` samples has, as the front-end: `1 + sampleCount / 160`.
    public static func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hopLength }

    /// Whether the noise floor is primed (always, without priming): features flow as frames complete.
    public var isPrimed: Bool { opening == nil }

    /// Adds samples and calls `body(t, features)` for every frame `t` whose features are now known, in
    /// order (while priming, none until `primingSamples` samples have arrived, then the opening's
    /// frames at once).
    public func push(_ samples: UnsafeBufferPointer<Float>, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        guard let source = samples.baseAddress else { return }
        var offset = 0
        while offset < samples.count {
            let count = min(makeRoom(), samples.count - offset)
            (input + inputCount).update(from: source + offset, count: count)
            inputCount += count
            available += count
            sampleCount += count
            offset += count
            computeFrames(upTo: .max, body)
        }
        if opening != nil && sampleCount >= primingSamples + Self.hopLength * openingStart { prime(body) }
    }

    /// Completes the frames that reach past the end of the input (zeros after it), so that
    /// `frameCount(sampleCount:)` frames have been emitted in all; a stream still priming is primed
    /// from the frames its samples completed first.
    public func finish(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        if opening != nil { prime(body) }
        let total = Self.frameCount(sampleCount: sampleCount)
        while computed < total {
            let count = makeRoom()
            (input + inputCount).update(repeating: 0, count: count)
            inputCount += count
            available += count
            computeFrames(upTo: total, body)
        }
    }

    /// Slides the input so the next frame's first needed sample is at the front when less than a
    /// frame's worth of room is left; returns the room for new samples.
    private func makeRoom() -> Int {
        var room = Self.inputCapacity - Self.inputSlack - inputCount
        if room < 2 * Self.hopLength {
            // Frame t reads from x[4m − 44], m = 40t + 29 (a multiple of 4, so the phases stay aligned).
            let keepFrom = computed == 0 ? -DecimatingLowpass.history : Self.hopLength * computed + 4 * 29 - DecimatingLowpass.history
            let shift = keepFrom - inputStart
            _ = memmove(input, input + shift, (inputCount - shift) * MemoryLayout<Float>.stride)
            inputStart = keepFrom
            inputCount -= shift
            room = Self.inputCapacity - Self.inputSlack - inputCount
        }
        return room
    }

    /// Computes every frame below `limit` whose input is known.
    private func computeFrames(upTo limit: Int, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        while computed < limit && available >= Self.hopLength * computed + Self.frameLookaheadSamples + 1 {
            let t = computed
            decimate(frame: t)
            let window = lowRate + (Self.lowRateHop * t - Self.leadingZeros - lowStart)
            let power = analyzer.powerSpectrum(window)
            computed += 1
            if let opening {
                if t == openingStart && analyzer.isDigitalSilence(power) {
                    // Leading digital silence: nothing to learn the floor from; its features do not
                    // depend on the floor, so it flows at once and the opening starts after it.
                    openingStart += 1
                    emit(power: power, body)
                    continue
                }
                if t < openingStart + primingFrames {
                    (opening + (t - openingStart) * SpeechFrameAnalyzer.usedBins).update(from: power, count: SpeechFrameAnalyzer.usedBins)
                    analyzer.observeOpening(power: power, afterSilence: t == openingStart && t > 0)
                    continue
                }
                // Past the opening (its samples all arrived): prime with it, then go on.
                prime(body)
            }
            emit(power: power, body)
        }
    }

    /// Decimates the low-rate samples frame `t` adds to its window into `lowRate`.
    private func decimate(frame t: Int) {
        // Frame t's window is y[40t − 59 ... 40t + 68]; the previous frame's ended at y[40t + 28].
        let m = t == 0 ? 0 : Self.lowRateHop * t + 29
        let count = t == 0 ? Self.firstFrameOutputs : Self.frameOutputs
        if m + count - lowStart > Self.lowRateCapacity {
            // Keep the part of the window the new samples extend.
            let windowStart = Self.lowRateHop * t - Self.leadingZeros
            _ = memmove(lowRate, lowRate + (windowStart - lowStart), (m - windowStart) * MemoryLayout<Float>.stride)
            lowStart = windowStart
        }
        let first = input + (4 * m - DecimatingLowpass.history - inputStart)
        decimator.decimate(first, count: count, into: lowRate + (m - lowStart))
    }

    /// Primes the floor with the opening frames stored so far and emits their features.
    private func prime(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        guard let stored = opening else { return }
        analyzer.restartWithPrimedFloor()
        for t in openingStart..<min(computed, openingStart + primingFrames) {
            emit(power: stored + (t - openingStart) * SpeechFrameAnalyzer.usedBins, body)
        }
        stored.deallocate()
        opening = nil
    }

    @inline(__always)
    private func emit(power: UnsafePointer<Float>, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        analyzer.analyse(power: power, into: features)
        body(emitted, UnsafeBufferPointer(start: features, count: Self.featureCount))
        emitted += 1
    }
}
