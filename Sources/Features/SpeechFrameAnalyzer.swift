#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Turns one 32 ms window of 4 kHz audio into the speech detector's features
/// (`SpeechFeatureExtractor.Feature`), keeping the state that links frames (noise floor, previous
/// spectra, running averages). Two stages, so that a caller can hold frames back until the floor
/// is primed (`SpeechFeatureExtractor`):
///
/// 1. `powerSpectrum`: periodic-Hann window (128 samples) zero-padded to 256 points: power spectrum
///    `P`, 15.6 Hz bins; only bins 6..<118 (94-1844 Hz) are used: above mains hum's fundamental,
///    below the decimator's transition band. Depends on the window alone.
/// 2. `analyse`: noise floor `N` per bin by minimum statistics (`MinimumStatisticsFloor`), the power
///    above it, `clean = max(P − N, 0)`; band and total SNRs of `P` over `N`; harmonicity from the
///    inverse transform of `√clean` (a generalised autocorrelation, linear thanks to the 2x zero
///    padding) divided by the window's own autocorrelation (Boersma, 1993); tonality from the two
///    largest bins of `clean`; steadiness against the spectrum of 60 ms before; running averages and
///    holds.
///
/// Eight-lane loops over the 112 bins (bands are multiples of 8 bins) and the searched lags; two
/// 256-point real FFTs on the process's shared plan. Not thread-safe; no allocation after `init`.
final class SpeechFrameAnalyzer {
    static let windowLength = 128, transformLength = 256
    /// First bin used and number of bins used (14 blocks of 8).
    static let lowBin = 6, usedBins = 112
    /// Band edges as offsets from `lowBin`, bins: 94-344, 344-719, 719-1219, 1219-1844 Hz.
    static let bandOffsets = (0, 16, 40, 72, 112)
    /// Autocorrelation lags searched, 4 kHz samples: 500 Hz down to 70 Hz.
    static let minLag = 8, maxLag = 57
    /// Lags the peak search reads in whole blocks of eight: `minLag − 1 ..< minLag + 57`.
    static let lagBlocks = (maxLag - minLag + 8) / 8
    /// Frames between the spectra compared by `steadiness`.
    static let steadinessDistance = 6
    /// Frames after one of digital silence whose 128-sample window (hop 40) may still reach into the
    /// zeros: they cannot lower the noise floor.
    static let silenceEdgeFrames = 4
    /// The running averages (band SNR, harmonicity, tonality, steadiness) and pitch-hold average a
    /// line's noise gives: medians over the non-speech frames of the tuning split's white and pink
    /// noise tracks at 10 dB (`VADBenchmark stats`). They start the averages when the first sound comes
    /// after digital silence, which gave no noise to average (without them a talk spurt that opens a
    /// silence-suppressed line was missed for its first second: its averages looked like no line seen in training).
    static let lineNoiseAverages = SIMD4<Float>(0.2, 0.51, 0.62, 0.40), lineNoisePitchHold: Float = 0.07
    /// `pastEnergy`'s mark for a frame of digital silence (a real energy is never negative).
    static let digitalSilenceEnergy: Float = -1
    /// Tonality from which a frame right after digital silence is a keyed tone (`steadiness`); the
    /// detector's tone rule uses the same figure (`SpeechDetectorConfiguration.toneTonality`).
    static let keyedToneTonality: Float = 0.99

    private let spectrumFFT: RealFFT
    private let autocorrelationFFT: RealFFT
    private let floor = MinimumStatisticsFloor(binCount: usedBins)
    /// The periodic Hann window, and `w(0) / w(τ)` for its autocorrelation `w` (the process's tables).
    private let window: UnsafePointer<Float>
    private let windowCorrection: UnsafePointer<Float>
    /// Scratch: power (`transformLength / 2 + 1` bins), written by `powerSpectrum` only; floor and power
    /// above it (`usedBins`, from `lowBin`).
    private let power: UnsafeMutablePointer<Float>
    private let noise: UnsafeMutablePointer<Float>
    private let clean: UnsafeMutablePointer<Float>
    /// `√clean`, the amplitude spectrum above the floor (`usedBins`): the current row of `pastAmplitude`.
    private var amplitude: UnsafeMutablePointer<Float>
    /// The autocorrelation at lags `0 ..< minLag + 8 · lagBlocks + 1` (those past `maxLag + 1` unused),
    /// and `windowCorrection` padded to the same length with zeros.
    private let lags: UnsafeMutablePointer<Float>
    private let corrections: UnsafeMutablePointer<Float>
    /// Scratch: the corrected autocorrelation at the peaks among the searched lags, 0 elsewhere.
    private let peakValues: UnsafeMutablePointer<Float>
    /// Amplitude spectra of this frame and the last `steadinessDistance` (a ring of `usedBins` rows:
    /// frame `f` in row `f % 7`, so frame `f − 6` is in row `(f + 1) % 7`), and their energies.
    private let pastAmplitude: UnsafeMutablePointer<Float>
    private let pastEnergy: UnsafeMutablePointer<Float>
    /// Frames analysed (`analyse`), and opening frames observed (`observeOpening`).
    private var frame = 0
    private var openingFrame = 0
    /// Frames since the last one of digital silence (analysed, and observed while priming), capped at
    /// `silenceEdgeFrames + 1`; a signal starts as if long after one.
    private var framesSinceSilence = silenceEdgeFrames + 1
    private var openingSinceSilence = silenceEdgeFrames + 1
    /// Whether a frame other than digital silence has been analysed.
    private var analysedSignal = false
    /// Running state: averages (100 ms, 1 s), level peak, voicing hold, previous period.
    private var shortAverages = SIMD4<Float>(), longAverages = SIMD4<Float>()
    private var pitchHoldAverage: Float = 0, levelPeak: Float = -1, voicedHold: Float = 0
    private var previousLag = 0

    init(resources: SpeechDetectorResources = .shared) {
        spectrumFFT = RealFFT(plan: resources.fftPlan)
        autocorrelationFFT = RealFFT(plan: resources.fftPlan)
        window = UnsafePointer(resources.window)
        windowCorrection = UnsafePointer(resources.windowCorrection)
        power = Self.buffer(Self.transformLength / 2 + 1)
        noise = Self.buffer(Self.usedBins)
        clean = Self.buffer(Self.usedBins)
        let lagCount = Self.minLag + 8 * Self.lagBlocks + 1
        lags = Self.buffer(lagCount)
        corrections = Self.buffer(lagCount)
        corrections.update(from: resources.windowCorrection, count: Self.maxLag + 1)
        peakValues = Self.buffer(8 * Self.lagBlocks)
        pastAmplitude = Self.buffer((Self.steadinessDistance + 1) * Self.usedBins)
        pastEnergy = Self.buffer(Self.steadinessDistance + 1)
        amplitude = pastAmplitude
    }

    deinit {
        for pointer in [power, noise, clean, lags, corrections, peakValues, pastAmplitude, pastEnergy] { pointer.deallocate() }
    }

    private static func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
        return pointer
    }

    // MARK: Stage 1: the spectrum

    /// Power of the window `samples[0..<windowLength]` in the `usedBins` bins from `lowBin`; the
    /// pointer is valid until the next call.
    func powerSpectrum(_ samples: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let input = spectrumFFT.input
        for j in stride(from: 0, to: Self.windowLength, by: 8) { SIMD8Memory.store(SIMD8Memory.load(samples, j) * SIMD8Memory.load(window, j), input, j) }
        for j in stride(from: Self.windowLength, to: Self.transformLength, by: 8) { SIMD8Memory.store(SIMD8(), input, j) }
        spectrumFFT.executePowerSpectrum(into: power)
        return UnsafePointer(power + Self.lowBin)
    }

    // MARK: Priming

    /// Lets the noise floor see one opening frame's power (`usedBins` bins) without analysing it;
    /// `afterSilence`: the frame before it was digital silence (analysed already).
    func observeOpening(power p: UnsafePointer<Float>, afterSilence: Bool = false) {
        if afterSilence { openingSinceSilence = 0 }
        // Frames 0 and 1 reach into the zeros before the signal: too quiet to stand for the noise.
        _ = updateFloor(p, reachesBeforeSignal: openingFrame < 2, silence: &openingSinceSilence)
        openingFrame += 1
    }

    /// Whether a frame's power (`usedBins` bins) is digital silence (`MinimumStatisticsFloor`).
    func isDigitalSilence(_ p: UnsafePointer<Float>) -> Bool { floor.isDigitalSilence(p) }

    /// The floor's step for one frame into `noise`; returns whether the frame is digital silence.
    /// Such a frame holds the floor (`MinimumStatisticsFloor.hold`); it and the `silenceEdgeFrames`
    /// after it, whose windows still reach into the zeros, cannot lower the minimum, nor can the
    /// frames that reach before the signal.
    private func updateFloor(_ p: UnsafePointer<Float>, reachesBeforeSignal: Bool, silence framesSinceSilence: inout Int) -> Bool {
        if floor.isDigitalSilence(p) {
            floor.hold(floor: noise)
            framesSinceSilence = 0
            return true
        }
        framesSinceSilence = min(framesSinceSilence + 1, Self.silenceEdgeFrames + 1)
        floor.update(power: p, floor: noise, trackMinimum: !reachesBeforeSignal && framesSinceSilence > Self.silenceEdgeFrames)
        return false
    }

    /// Restarts the floor primed with the minima of the observed opening (`MinimumStatisticsFloor
    /// .restartPrimed`); `analyse` then starts again from frame 0. Call before the first `analyse`.
    func restartWithPrimedFloor() {
        precondition(!analysedSignal, "SpeechFrameAnalyzer: priming after frames other than digital silence were analysed")
        floor.restartPrimed()
    }

    // MARK: Stage 2: the features

    /// Features of the next frame, from its power in the `usedBins` bins from `lowBin`, into
    /// `features` (`featureCount`).
    func analyse(power p: UnsafePointer<Float>, into features: UnsafeMutablePointer<Float>) {
        let silent = aboveFloor(p)
        let snr = signalToNoise(p)
        if silent { return writeDigitalSilence(snr: snr, into: features) }
        // The first frame of signal starts the averages (leading digital silence does not count).
        let first = !analysedSignal
        analysedSignal = true
        let (h, lag) = harmonicity()
        let c = tonality(cleanEnergy: snr.clean), s = steadiness(cleanEnergy: snr.clean, tonality: c)
        let current = SIMD4<Float>(snr.bandMean, h, c, s)
        // First-order averages with time constants of 100 ms and 1 s, started at the first frame; or,
        // after leading digital silence (no line noise heard before the first sound), from a line's.
        if first && frame > 0 {
            shortAverages = Self.lineNoiseAverages
            longAverages = Self.lineNoiseAverages
            pitchHoldAverage = Self.lineNoisePitchHold
        }
        let start = first && frame == 0
        let short: Float = start ? 0 : 0.9048, long: Float = start ? 0 : 0.99005
        shortAverages = short * shortAverages + (1 - short) * current
        longAverages = long * longAverages + (1 - long) * current
        let pitchHold: Float = h > 0.5 && lag == previousLag ? 1 : 0
        previousLag = h > 0.5 ? lag : 0
        pitchHoldAverage = long * pitchHoldAverage + (1 - long) * pitchHold
        levelPeak = max(snr.total, levelPeak - 0.0015)
        voicedHold = max(h, voicedHold - 0.02)
        frame += 1
        typealias F = SpeechFeatureExtractor.Feature
        features[F.bandSNR.rawValue] = snr.bandMean
        features[F.maxBandSNR.rawValue] = snr.bandMax
        features[F.totalSNR.rawValue] = snr.total
        features[F.harmonicity.rawValue] = h
        features[F.tonality.rawValue] = c
        features[F.steadiness.rawValue] = s
        features[F.relativeLevel.rawValue] = snr.total - levelPeak
        features[F.pitchHold.rawValue] = pitchHold
        features[F.voicedHold.rawValue] = voicedHold
        for i in 0..<4 {
            features[F.bandSNRShort.rawValue + i] = shortAverages[i]
            features[F.bandSNRLong.rawValue + i] = longAverages[i]
        }
        features[F.pitchHoldLong.rawValue] = pitchHoldAverage
    }

    /// A frame of digital silence: its own features (no energy above the floor, nothing harmonic,
    /// tonal or steady) over the running state as it stood, which the frame leaves as it is, like the
    /// floor: the averages, level peak and holds pick up after the zeros where the line left them.
    private func writeDigitalSilence(snr: (bandMean: Float, bandMax: Float, total: Float, clean: Float),
                                     into features: UnsafeMutablePointer<Float>) {
        pastEnergy[frame % (Self.steadinessDistance + 1)] = Self.digitalSilenceEnergy
        previousLag = 0
        frame += 1
        typealias F = SpeechFeatureExtractor.Feature
        features[F.bandSNR.rawValue] = snr.bandMean
        features[F.maxBandSNR.rawValue] = snr.bandMax
        features[F.totalSNR.rawValue] = snr.total
        features[F.harmonicity.rawValue] = 0
        features[F.tonality.rawValue] = 0
        features[F.steadiness.rawValue] = 0
        features[F.relativeLevel.rawValue] = snr.total - levelPeak
        features[F.pitchHold.rawValue] = 0
        features[F.voicedHold.rawValue] = voicedHold
        for i in 0..<4 {
            features[F.bandSNRShort.rawValue + i] = shortAverages[i]
            features[F.bandSNRLong.rawValue + i] = longAverages[i]
        }
        features[F.pitchHoldLong.rawValue] = pitchHoldAverage
    }

    /// The floor into `noise`, the power above it into `clean` and its square root into `amplitude`;
    /// whether the frame is digital silence.
    private func aboveFloor(_ p: UnsafePointer<Float>) -> Bool {
        // Frames 0 and 1 reach into the zeros before the signal (their windows start 256 and 96 input
        // samples early): too quiet to stand for the noise.
        let silent = updateFloor(p, reachesBeforeSignal: frame < 2, silence: &framesSinceSilence)
        amplitude = pastAmplitude + (frame % (Self.steadinessDistance + 1)) * Self.usedBins
        let zero = SIMD8<Float>()
        for k in stride(from: 0, to: Self.usedBins, by: 8) {
            let difference = SIMD8Memory.load(p, k) - SIMD8Memory.load(noise, k)
            // max(0, d), i.e. `d >= 0 ? d : 0`.
            let above = zero.replacing(with: difference, where: difference .>= zero)
            SIMD8Memory.store(above, clean, k)
            SIMD8Memory.store(VectorMath.squareRoot(above), amplitude, k)
        }
        return silent
    }

    /// Band SNRs (mean and largest) and the total SNR, scaled (see `Feature`), and the energy above
    /// the floor.
    private func signalToNoise(_ p: UnsafePointer<Float>) -> (bandMean: Float, bandMax: Float, total: Float, clean: Float) {
        let n = UnsafePointer(noise), c = UnsafePointer(clean)
        var cleanSum = SIMD8<Float>()
        func band(_ start: Int, _ end: Int) -> (power: Float, noise: Float) {
            var sumPower = SIMD8<Float>(), sumNoise = SIMD8<Float>()
            for k in stride(from: start, to: end, by: 8) {
                sumPower += SIMD8Memory.load(p, k)
                sumNoise += SIMD8Memory.load(n, k)
                cleanSum += SIMD8Memory.load(c, k)
            }
            return (sumPower.sum(), sumNoise.sum())
        }
        let edges = Self.bandOffsets
        let b0 = band(edges.0, edges.1), b1 = band(edges.1, edges.2), b2 = band(edges.2, edges.3), b3 = band(edges.3, edges.4)
        // Lanes 0-3 the bands, lane 4 all of them (summed in band order), 5-7 unused.
        let bandPower = SIMD8<Float>(b0.power, b1.power, b2.power, b3.power, b0.power + b1.power + b2.power + b3.power, 1, 1, 1)
        let bandNoise = SIMD8<Float>(b0.noise, b1.noise, b2.noise, b3.noise, b0.noise + b1.noise + b2.noise + b3.noise, 1, 1, 1)
        // log10 of the ratios, clipped to [−0.5, 4] (−5 to 40 dB, /10); silent frames give −0.5.
        let ratio = bandPower / bandNoise.replacing(with: 1, where: bandNoise .<= 0)
        let snr = VectorMath.log10(SIMD8<Float>(repeating: 1e-6).replacing(with: ratio, where: ratio .> 1e-6))
        // clamped(lowerBound:upperBound:) as selects (`max` keeps x when x > lower, `min` when x <= upper).
        let lower = SIMD8<Float>(repeating: -0.5), upper = SIMD8<Float>(repeating: 4)
        let raised = lower.replacing(with: snr, where: snr .> lower)
        let clipped = upper.replacing(with: raised, where: raised .<= upper)
        let bands = clipped.lowHalf
        let largestBand = max(max(bands[0], bands[1]), max(bands[2], bands[3]))
        return (bands.sum() / 4, largestBand, clipped.highHalf[0], cleanSum.sum())
    }

    /// Highest peak (local maximum over lags) of the normalised autocorrelation of the above-floor
    /// signal for 70-500 Hz periods, each lag corrected by the window's autocorrelation; clipped to
    /// [0, 1]; and its lag (4 kHz samples). Computed from the amplitude spectrum `√clean` (a
    /// "generalised" autocorrelation, exponent 1 instead of 2: flatter, so a strong low formant or a
    /// low-pass noise does not pass for periodicity), and only at peaks, so that the slow decay of a
    /// low-pass signal's autocorrelation is not taken for a period.
    private func harmonicity() -> (value: Float, lag: Int) {
        let input = autocorrelationFFT.input
        // The even sequence with `amplitude` at bins lowBin..<lowBin+usedBins, its mirror at 256 − k
        // (139...250), zeros elsewhere: zeros first where neither lands, then the two copies over them.
        SIMD8Memory.store(SIMD8(), input, 0)
        SIMD8Memory.store(SIMD8(), input, 118)
        SIMD8Memory.store(SIMD8(), input, 126)
        SIMD8Memory.store(SIMD8(), input, 134)
        SIMD8Memory.store(SIMD8(), input, 248)
        let mirrorEnd = Self.transformLength - Self.lowBin - 7
        for k in stride(from: 0, to: Self.usedBins, by: 8) {
            let a = SIMD8Memory.load(amplitude, k)
            SIMD8Memory.store(a, input, Self.lowBin + k)
            SIMD8Memory.store(SIMD8(a[7], a[6], a[5], a[4], a[3], a[2], a[1], a[0]), input, mirrorEnd - k)
        }
        autocorrelationFFT.executeRealParts(binsBelow: Self.maxLag + 2, into: lags)
        let zero = lags[0]
        guard zero > 0 else { return (0, 0) }
        // A lag counts where the autocorrelation is a local maximum (`>=` both neighbours); its value
        // is corrected, and the largest wins, the first of equals (scalar: `value > best`, best from 0).
        // Lags past `maxLag` have a zero correction, so they give 0 and never win.
        var best = SIMD8<Float>()
        let zeros = SIMD8<Float>()
        for block in 0..<Self.lagBlocks {
            let lag = Self.minLag + 8 * block
            let previous = SIMD8Memory.load(lags, lag - 1), current = SIMD8Memory.load(lags, lag), next = SIMD8Memory.load(lags, lag + 1)
            var value = zeros.replacing(with: current * SIMD8Memory.load(corrections, lag), where: current .>= previous)
            value.replace(with: zeros, where: current .< next)
            SIMD8Memory.store(value, peakValues, 8 * block)
            best.replace(with: value, where: value .> best)
        }
        let largest = VectorMath.largestLane(best)
        guard largest > 0 else { return (0, 0) }
        let target = SIMD8<Float>(repeating: largest)
        for block in 0..<Self.lagBlocks {
            let lanes = VectorMath.equalLanes(SIMD8Memory.load(peakValues, 8 * block), target)
            if lanes != 0 { return (min(1, largest / zero), Self.minLag + 8 * block + lanes.trailingZeroBitCount) }
        }
        return (0, 0)
    }

    /// Share of `clean` within ±4 bins (±62 Hz) of its largest bin and of the largest bin outside that
    /// range (two tones: DTMF, ringback, busy).
    private func tonality(cleanEnergy: Float) -> Float {
        guard cleanEnergy > 0 else { return 0 }
        let c = clean, count = Self.usedBins
        let first = Self.firstLargest(UnsafePointer(c), count: count, excluding: nil)
        let second = Self.firstLargest(UnsafePointer(c), count: count, excluding: first)
        var sum: Float = 0
        for k in max(0, first - 4)...min(count - 1, first + 4) { sum += c[k] }
        for k in max(0, second - 4)...min(count - 1, second + 4) where abs(k - first) > 4 { sum += c[k] }
        return min(1, sum / cleanEnergy)
    }

    /// Index of the first largest of `values[0..<count]` (non-negative, `count` a multiple of 8),
    /// outside `centre ± 4` if given: what a scalar scan keeping `values[k] > best` from `best = −1`
    /// finds. A maximum pass, then a search for its first lane.
    @inline(__always)
    private static func firstLargest(_ values: UnsafePointer<Float>, count: Int, excluding centre: Int?) -> Int {
        let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7), excluded = SIMD8<Float>(repeating: -1)
        let low = centre.map { $0 - 4 } ?? -count, high = centre.map { $0 + 4 } ?? -count
        // Block k with the lanes within ±4 of `centre` (distance² ≤ 16, exact for these integers) at −1;
        // only the blocks the range touches need the mask.
        @inline(__always) func block(_ k: Int) -> SIMD8<Float> {
            let v = SIMD8Memory.load(values, k)
            guard k + 7 >= low && k <= high else { return v }
            let distance = lanes + Float(k - low - 4)
            return v.replacing(with: excluded, where: distance * distance .<= 16)
        }
        var largest = block(0)
        for k in stride(from: 8, to: count, by: 8) { largest = VectorMath.maximum(largest, block(k)) }
        let target = SIMD8<Float>(repeating: VectorMath.largestLane(largest))
        for k in stride(from: 0, to: count, by: 8) {
            let found = VectorMath.equalLanes(block(k), target)
            if found != 0 { return k + found.trailingZeroBitCount }
        }
        return 0
    }

    /// Cosine similarity of the amplitude spectrum `√clean` with that of `steadinessDistance` frames
    /// before (0 when either is empty); records this frame's energy in the ring. A frame as tonal as
    /// a tone (`toneTonality`) whose reference was digital silence counts as steady (1): a tone keyed
    /// over silence, as DTMF from a digital source; speech is never that tonal.
    private func steadiness(cleanEnergy: Float, tonality: Float) -> Float {
        let rows = Self.steadinessDistance + 1
        let past = pastAmplitude + ((frame + 1) % rows) * Self.usedBins
        let previousEnergy = pastEnergy[(frame + 1) % rows]
        if previousEnergy == Self.digitalSilenceEnergy {
            pastEnergy[frame % rows] = cleanEnergy
            return tonality >= Self.keyedToneTonality ? 1 : 0
        }
        var dot = SIMD8<Float>()
        for k in stride(from: 0, to: Self.usedBins, by: 8) { dot += SIMD8Memory.load(amplitude, k) * SIMD8Memory.load(past, k) }
        pastEnergy[frame % rows] = cleanEnergy
        let norm = (cleanEnergy * previousEnergy).squareRoot()
        return norm > 0 ? min(1, dot.sum() / norm) : 0
    }
}

