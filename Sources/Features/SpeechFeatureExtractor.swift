#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The speech detector's per-frame evidence, computed causally from a 16 kHz stream: one vector of
/// `featureCount` numbers per 10 ms frame, all independent of the input gain.
///
/// Signal path per frame `t` (centred on input sample `160·t`, as the front-end's frames):
/// 1. 4:1 decimation to 4 kHz (`DecimatingLowpass`, 0-1.7 kHz kept), a 32 ms periodic-Hann window
///    (128 samples) centred on the frame, zero-padded to 256 points: power spectrum, 129 bins of 15.6 Hz.
/// 2. A per-bin noise floor by minimum statistics (`MinimumStatisticsFloor`, 1.6-1.8 s memory) and the
///    power above it, `clean = max(P − N, 0)`, over 94-1797 Hz.
/// 3. Evidence (see `Feature`): a posteriori SNR in four bands (bins 10-25, 26-50, 51-82, 83-115: 156-406, 406-797,
///    797-1297, 1297-1797 Hz) and overall; harmonicity (the
///    normalised autocorrelation peak of `clean` for 70-500 Hz periods, Boersma's window correction);
///    tonality (the share of `clean` within ±4 bins of its two largest peaks: DTMF, ringback and busy
///    tones are two sinusoids); steadiness (cosine similarity of the `clean` amplitude spectrum with
///    that of 60 ms before: held notes and tones do not move, speech does); and exponential averages of
///    these over 100 ms and 1 s (causal context).
///
/// Frame `t` is computed once input sample `160·t + 272` has arrived (half the window, 256 samples,
/// plus the decimator's delay and phase). Not thread-safe; no allocation after `init`.
public final class SpeechFeatureExtractor {
    /// What each entry of the feature vector means (its index).
    public enum Feature: Int, CaseIterable, Sendable {
        /// Mean over four bands of the band SNR in dB, clipped to [−5, 40], divided by 10.
        case bandSNR
        /// Largest band SNR, same scale.
        case maxBandSNR
        /// SNR over 94-1797 Hz, same scale.
        case totalSNR
        case harmonicity, tonality, steadiness
        /// 100 ms exponential averages.
        case bandSNRShort, harmonicityShort, tonalityShort, steadinessShort
        /// 1 s exponential averages.
        case bandSNRLong, harmonicityLong, tonalityLong, steadinessLong
    }
    public static let featureCount = Feature.allCases.count
    /// Input rate, Hz, and the frame hop, samples (10 ms).
    public static let sampleRate = 16_000
    public static let hopLength = 160
    /// Input samples past a frame's centre needed before the frame is computed.
    public static let frameLookaheadSamples = 272

    static let windowLength = 128, transformLength = 256, binCount = 129
    /// Lowest and highest bins used (94 Hz: above mains hum's fundamental; 1797 Hz: below the
    /// decimator's transition band).
    static let lowBin = 6, highBin = 115
    /// Autocorrelation lags searched, 4 kHz samples: 500 Hz down to 70 Hz.
    static let minLag = 8, maxLag = 57
    /// Frames between the spectra compared by `steadiness`.
    static let steadinessDistance = 6
    /// Low-rate samples between frame centres, and zeros standing for input before the first sample.
    static let lowRateHop = 40, leadingZeros = 59

    private let decimator = DecimatingLowpass()
    private let spectrumFFT = RealFFT(size: transformLength, planning: .measure)
    private let autocorrelationFFT = RealFFT(size: transformLength, planning: .measure)
    private let floor = MinimumStatisticsFloor(binCount: binCount)
    /// The periodic Hann window, `windowLength`.
    private let window: UnsafeMutablePointer<Float>
    /// `w(0) / w(τ)` for the window's own autocorrelation `w` (Boersma's correction), `τ ≤ maxLag`.
    private let windowCorrection: UnsafeMutablePointer<Float>
    /// Low-rate samples from the first one frame `emitted` needs; `lowRateCount` valid.
    private let lowRate: UnsafeMutablePointer<Float>
    private var lowRateCount = leadingZeros
    /// Scratch: decimator output (`chunkLength / 4 + 1`); power, floor and power above the floor
    /// (`binCount` each).
    private let decimated: UnsafeMutablePointer<Float>
    private let power: UnsafeMutablePointer<Float>
    private let noise: UnsafeMutablePointer<Float>
    private let clean: UnsafeMutablePointer<Float>
    /// Amplitude spectra of the last `steadinessDistance` frames (a ring of `binCount` rows) and their
    /// energies.
    private let pastAmplitude: UnsafeMutablePointer<Float>
    private let pastEnergy: UnsafeMutablePointer<Float>
    /// Running averages: 100 ms then 1 s, of band SNR, harmonicity, tonality, steadiness.
    private var shortAverages = SIMD4<Float>(), longAverages = SIMD4<Float>()
    /// The current frame's features, `featureCount`.
    private let features: UnsafeMutablePointer<Float>
    /// Frames emitted so far; the next one is frame `emitted`.
    public private(set) var emitted = 0

    public init() {
        let hann = AnalysisWindow.periodicHann(length: Self.windowLength)
        window = Self.buffer(hann.map(Float.init))
        let zeroLag = hann.reduce(0) { $0 + $1 * $1 }
        windowCorrection = Self.buffer((0...Self.maxLag).map { lag in
            let w = (0..<(Self.windowLength - lag)).reduce(0.0) { $0 + hann[$1] * hann[$1 + lag] }
            return Float(zeroLag / w)
        })
        lowRate = Self.buffer(count: Self.windowLength + 1)
        decimated = Self.buffer(count: DecimatingLowpass.chunkLength / 4 + 1)
        power = Self.buffer(count: Self.binCount)
        noise = Self.buffer(count: Self.binCount)
        clean = Self.buffer(count: Self.binCount)
        pastAmplitude = Self.buffer(count: Self.steadinessDistance * Self.binCount)
        pastEnergy = Self.buffer(count: Self.steadinessDistance)
        features = Self.buffer(count: Self.featureCount)
    }

    deinit {
        for pointer in [window, windowCorrection, lowRate, decimated, power, noise, clean, pastAmplitude, pastEnergy, features] {
            pointer.deallocate()
        }
    }

    private static func buffer(count: Int) -> UnsafeMutablePointer<Float> {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }

    private static func buffer(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    /// Input samples received so far.
    public var sampleCount: Int { decimator.received }

    /// Adds samples and calls `body(t, features)` for every frame `t` they complete, in order.
    public func push(_ samples: UnsafeBufferPointer<Float>, _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        var offset = 0
        while offset < samples.count {
            let count = min(DecimatingLowpass.chunkLength, samples.count - offset)
            let block = UnsafeBufferPointer(rebasing: samples[offset..<(offset + count)])
            let produced = decimator.process(block, into: decimated)
            for i in 0..<produced {
                lowRate[lowRateCount] = decimated[i]
                lowRateCount += 1
                if lowRateCount == Self.windowLength { emitFrame(body) }
            }
            offset += count
        }
    }

    /// Frames a whole signal of `sampleCount` samples has, as the front-end: `1 + sampleCount / 160`.
    public static func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hopLength }

    /// Completes the frames that reach past the end of the input (zeros after it), so that
    /// `frameCount(sampleCount:)` frames have been emitted in all.
    public func finish(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let total = Self.frameCount(sampleCount: sampleCount)
        let zeros = [Float](repeating: 0, count: Self.hopLength)
        while emitted < total {
            zeros.withUnsafeBufferPointer { z in
                pushPadding(z, frameLimit: total, body)
            }
        }
    }

    /// `push` that stops emitting at `frameLimit` (padding must not create frames past the end).
    private func pushPadding(_ samples: UnsafeBufferPointer<Float>, frameLimit: Int,
                             _ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let produced = decimator.process(samples, into: decimated)
        for i in 0..<produced {
            lowRate[lowRateCount] = decimated[i]
            lowRateCount += 1
            if lowRateCount == Self.windowLength {
                if emitted < frameLimit { emitFrame(body) } else { lowRateCount -= 1 }
            }
        }
    }

    private func emitFrame(_ body: (Int, UnsafeBufferPointer<Float>) -> Void) {
        analyseFrame()
        body(emitted, UnsafeBufferPointer(start: features, count: Self.featureCount))
        emitted += 1
        // The next frame starts `lowRateHop` samples later.
        let keep = Self.windowLength - Self.lowRateHop
        _ = memmove(lowRate, lowRate + Self.lowRateHop, keep * MemoryLayout<Float>.stride)
        lowRateCount = keep
    }

    // MARK: One frame

    /// Fills `features` from `lowRate[0..<windowLength]`.
    private func analyseFrame() {
        spectrum()
        let (total, bands) = signalToNoise()
        let current = SIMD4<Float>(bands.mean, harmonicity(), tonality(cleanEnergy: total.clean),
                                   steadiness(cleanEnergy: total.clean))
        // First-order averages with time constants of 100 ms and 1 s, started at the first frame.
        let short: Float = emitted == 0 ? 0 : 0.9048, long: Float = emitted == 0 ? 0 : 0.99005
        shortAverages = short * shortAverages + (1 - short) * current
        longAverages = long * longAverages + (1 - long) * current
        let f = features
        f[Feature.bandSNR.rawValue] = bands.mean
        f[Feature.maxBandSNR.rawValue] = bands.max
        f[Feature.totalSNR.rawValue] = Self.scaledDecibels(total.power, total.noise)
        f[Feature.harmonicity.rawValue] = current[1]
        f[Feature.tonality.rawValue] = current[2]
        f[Feature.steadiness.rawValue] = current[3]
        for i in 0..<4 {
            f[Feature.bandSNRShort.rawValue + i] = shortAverages[i]
            f[Feature.bandSNRLong.rawValue + i] = longAverages[i]
        }
    }

    /// Windowed 256-point power spectrum of the frame into `power`, the floor into `noise`, and the
    /// power above the floor into `clean` (zero outside `lowBin...highBin`).
    private func spectrum() {
        let input = spectrumFFT.input, x = lowRate, w = window
        for j in 0..<Self.windowLength { input[j] = x[j] * w[j] }
        for j in Self.windowLength..<Self.transformLength { input[j] = 0 }
        spectrumFFT.executePowerSpectrum(into: power)
        floor.update(power: power, floor: noise)
        let p = power, n = noise, c = clean
        for k in Self.lowBin...Self.highBin { c[k] = max(0, p[k] - n[k]) }
    }

    /// `10·log10(power / noise)` clipped to [−5, 40] dB, divided by 10.
    @inline(__always)
    private static func scaledDecibels(_ power: Float, _ noise: Float) -> Float {
        guard noise > 0, power > 0 else { return -0.5 }
        return min(4, max(-0.5, log10(power / noise)))
    }

    /// Overall power, floor and power above the floor over `lowBin...highBin`, and the mean and
    /// largest scaled band SNR (see `Feature.bandSNR`).
    private func signalToNoise() -> (total: (power: Float, noise: Float, clean: Float), bands: (mean: Float, max: Float)) {
        let p = power, n = noise, c = clean
        func band(_ a: Int, _ b: Int) -> Float {
            var bandPower: Float = 0, bandNoise: Float = 0
            for k in a..<b { bandPower += p[k]; bandNoise += n[k] }
            return Self.scaledDecibels(bandPower, bandNoise)
        }
        let bands = SIMD4<Float>(band(10, 26), band(26, 51), band(51, 83), band(83, 116))  // see the type's comment
        var totalPower: Float = 0, totalNoise: Float = 0, totalClean: Float = 0
        for k in Self.lowBin...Self.highBin { totalPower += p[k]; totalNoise += n[k]; totalClean += c[k] }
        return ((totalPower, totalNoise, totalClean), (bands.sum() / 4, bands.max()))
    }

    /// Largest normalised autocorrelation of the above-floor signal over 70-500 Hz periods, from the
    /// inverse transform of `clean` (the 2x zero padding makes it the linear autocorrelation), each lag
    /// divided by the window's own normalised autocorrelation (Boersma, 1993); clipped to [0, 1].
    private func harmonicity() -> Float {
        let n = Self.transformLength, input = autocorrelationFFT.input, c = clean
        input[0] = c[0]
        input[n / 2] = c[n / 2]
        for k in 1..<(n / 2) { input[k] = c[k]; input[n - k] = c[k] }
        autocorrelationFFT.execute(binsBelow: Self.maxLag + 1)
        let zero = autocorrelationFFT.real(0)
        guard zero > 0 else { return 0 }
        var best: Float = 0
        for lag in Self.minLag...Self.maxLag { best = max(best, autocorrelationFFT.real(lag) * windowCorrection[lag]) }
        return min(1, best / zero)
    }

    /// Share of the above-floor energy within ±4 bins (±62 Hz) of its two largest local maxima.
    private func tonality(cleanEnergy: Float) -> Float {
        guard cleanEnergy > 0 else { return 0 }
        let c = clean
        var first = (value: Float(0), bin: -100), second = (value: Float(0), bin: -100)
        for k in (Self.lowBin + 1)..<Self.highBin where c[k] > c[k - 1] && c[k] >= c[k + 1] {
            if c[k] > first.value { second = first; first = (c[k], k) } else if c[k] > second.value { second = (c[k], k) }
        }
        var sum: Float = 0
        for k in Self.lowBin...Self.highBin where abs(k - first.bin) <= 4 || abs(k - second.bin) <= 4 { sum += c[k] }
        return min(1, sum / cleanEnergy)
    }

    /// Cosine similarity of the above-floor amplitude spectrum with that of `steadinessDistance` frames
    /// before (0 when either is empty); stores the current one in the ring.
    private func steadiness(cleanEnergy: Float) -> Float {
        let row = emitted % Self.steadinessDistance
        let past = pastAmplitude + row * Self.binCount, c = clean
        let previousEnergy = pastEnergy[row]
        var dot: Float = 0
        for k in Self.lowBin...Self.highBin {
            let amplitude = c[k].squareRoot()
            dot += amplitude * past[k]
            past[k] = amplitude
        }
        pastEnergy[row] = cleanEnergy
        let norm = (cleanEnergy * previousEnergy).squareRoot()
        return norm > 0 ? min(1, dot / norm) : 0
    }
}
