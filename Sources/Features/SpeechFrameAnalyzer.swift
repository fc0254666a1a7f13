#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Turns one 32 ms window of 4 kHz audio into the speech detector's features
/// (`SpeechFeatureExtractor.Feature`), keeping the state that links frames (noise floor, previous
/// spectra, running averages).
///
/// 1. Periodic-Hann window (128 samples) zero-padded to 256 points: power spectrum `P`, 15.6 Hz bins;
///    only bins 6..<118 (94-1844 Hz) are used: above mains hum's fundamental, below the decimator's
///    transition band.
/// 2. Noise floor `N` per bin by minimum statistics (`MinimumStatisticsFloor`), and the power above it,
///    `clean = max(P − N, 0)`.
/// 3. Band and total SNRs of `P` over `N`; harmonicity from the inverse transform of `√clean` (a
///    generalised autocorrelation, linear thanks to the 2x zero padding) divided by the window's own
///    autocorrelation (Boersma, 1993); tonality from the two largest bins of `clean`; steadiness against
///    the spectrum of 60 ms before; running averages and holds.
///
/// Eight-lane loops over the 112 bins (bands are multiples of 8 bins); two 256-point real FFTs.
/// Not thread-safe; no allocation after `init`.
final class SpeechFrameAnalyzer {
    static let windowLength = 128, transformLength = 256
    /// First bin used and number of bins used (14 blocks of 8).
    static let lowBin = 6, usedBins = 112
    /// Band edges as offsets from `lowBin`, bins: 94-344, 344-719, 719-1219, 1219-1844 Hz.
    static let bandOffsets = (0, 16, 40, 72, 112)
    /// Autocorrelation lags searched, 4 kHz samples: 500 Hz down to 70 Hz.
    static let minLag = 8, maxLag = 57
    /// Frames between the spectra compared by `steadiness`.
    static let steadinessDistance = 6

    private let spectrumFFT = RealFFT(size: transformLength, planning: .measure)
    private let autocorrelationFFT = RealFFT(size: transformLength, planning: .measure)
    private let floor = MinimumStatisticsFloor(binCount: usedBins)
    /// The periodic Hann window, and `w(0) / w(τ)` for its autocorrelation `w`, `τ ≤ maxLag`.
    private let window: UnsafeMutablePointer<Float>
    private let windowCorrection: UnsafeMutablePointer<Float>
    /// Scratch: power (`transformLength / 2 + 1` bins); floor and power above it (`usedBins`, from `lowBin`).
    private let power: UnsafeMutablePointer<Float>
    private let noise: UnsafeMutablePointer<Float>
    private let clean: UnsafeMutablePointer<Float>
    /// `√clean`, the amplitude spectrum above the floor (`usedBins`).
    private let amplitude: UnsafeMutablePointer<Float>
    /// Amplitude spectra of the last `steadinessDistance` frames (a ring of `usedBins` rows), energies.
    private let pastAmplitude: UnsafeMutablePointer<Float>
    private let pastEnergy: UnsafeMutablePointer<Float>
    private var frame = 0
    /// Running state: averages (100 ms, 1 s), level peak, voicing hold, previous period.
    private var shortAverages = SIMD4<Float>(), longAverages = SIMD4<Float>()
    private var pitchHoldAverage: Float = 0, levelPeak: Float = -1, voicedHold: Float = 0
    private var previousLag = 0

    init() {
        let hann = AnalysisWindow.periodicHann(length: Self.windowLength)
        let zeroLag = hann.reduce(0) { $0 + $1 * $1 }
        window = Self.buffer(hann.map(Float.init))
        windowCorrection = Self.buffer((0...Self.maxLag).map { lag in
            Float(zeroLag / (0..<(Self.windowLength - lag)).reduce(0.0) { $0 + hann[$1] * hann[$1 + lag] })
        })
        power = Self.buffer([Float](repeating: 0, count: Self.transformLength / 2 + 1))
        noise = Self.buffer([Float](repeating: 0, count: Self.usedBins))
        clean = Self.buffer([Float](repeating: 0, count: Self.usedBins))
        amplitude = Self.buffer([Float](repeating: 0, count: Self.usedBins))
        pastAmplitude = Self.buffer([Float](repeating: 0, count: Self.steadinessDistance * Self.usedBins))
        pastEnergy = Self.buffer([Float](repeating: 0, count: Self.steadinessDistance))
    }

    deinit {
        for pointer in [window, windowCorrection, power, noise, clean, amplitude, pastAmplitude, pastEnergy] { pointer.deallocate() }
    }

    private static func buffer(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
        pointer.initialize(from: values, count: values.count)
        return pointer
    }

    /// Features of the window `samples[0..<windowLength]` into `features` (`featureCount`).
    func analyse(_ samples: UnsafePointer<Float>, into features: UnsafeMutablePointer<Float>) {
        spectrum(samples)
        let snr = signalToNoise()
        let (h, lag) = harmonicity()
        let c = tonality(cleanEnergy: snr.clean), s = steadiness(cleanEnergy: snr.clean)
        let current = SIMD4<Float>(snr.bandMean, h, c, s)
        // First-order averages with time constants of 100 ms and 1 s, started at the first frame.
        let short: Float = frame == 0 ? 0 : 0.9048, long: Float = frame == 0 ? 0 : 0.99005
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

    /// Starts the noise floor from what `other` has analysed (see `MinimumStatisticsFloor.prime`).
    func primeFloor(from other: SpeechFrameAnalyzer) {
        floor.prime(withMinimaOf: other.floor)
    }

    /// Power spectrum of the windowed frame into `power`, the floor into `noise`, and the power above
    /// it into `clean` (both from `lowBin`).
    private func spectrum(_ x: UnsafePointer<Float>) {
        let input = spectrumFFT.input, w = window
        for j in 0..<Self.windowLength { input[j] = x[j] * w[j] }
        for j in Self.windowLength..<Self.transformLength { input[j] = 0 }
        spectrumFFT.executePowerSpectrum(into: power)
        let p = power + Self.lowBin
        // Frames 0 and 1 reach into the zeros before the signal (their windows start 256 and 96 input
        // samples early): too quiet to stand for the noise.
        floor.update(power: p, floor: noise, trackMinimum: frame >= 2)
        for k in 0..<Self.usedBins { clean[k] = max(0, p[k] - noise[k]) }
        let raw = UnsafeMutableRawPointer(amplitude)
        for k in stride(from: 0, to: Self.usedBins, by: 8) {
            raw.storeBytes(of: VectorMath.squareRoot(Self.load(clean, k)), toByteOffset: 4 * k, as: SIMD8<Float>.self)
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(fromByteOffset: 4 * offset, as: SIMD8<Float>.self)
    }

    /// Band SNRs (mean and largest) and the total SNR, scaled (see `Feature`), and the energy above
    /// the floor.
    private func signalToNoise() -> (bandMean: Float, bandMax: Float, total: Float, clean: Float) {
        let p = UnsafePointer(power + Self.lowBin), n = UnsafePointer(noise), c = UnsafePointer(clean)
        var cleanSum = SIMD8<Float>()
        func band(_ start: Int, _ end: Int) -> (power: Float, noise: Float) {
            var sumPower = SIMD8<Float>(), sumNoise = SIMD8<Float>()
            for k in stride(from: start, to: end, by: 8) {
                sumPower += Self.load(p, k)
                sumNoise += Self.load(n, k)
                cleanSum += Self.load(c, k)
            }
            return (sumPower.sum(), sumNoise.sum())
        }
        let edges = Self.bandOffsets
        let b0 = band(edges.0, edges.1), b1 = band(edges.1, edges.2), b2 = band(edges.2, edges.3), b3 = band(edges.3, edges.4)
        var bandPower = SIMD8<Float>(b0.power, b1.power, b2.power, b3.power, 0, 1, 1, 1)
        var bandNoise = SIMD8<Float>(b0.noise, b1.noise, b2.noise, b3.noise, 0, 1, 1, 1)
        bandPower[4] = bandPower[0] + bandPower[1] + bandPower[2] + bandPower[3]
        bandNoise[4] = bandNoise[0] + bandNoise[1] + bandNoise[2] + bandNoise[3]
        // log10 of the ratios, clipped to [−0.5, 4] (−5 to 40 dB, /10); silent frames give −0.5.
        let ratio = bandPower / bandNoise.replacing(with: 1, where: bandNoise .<= 0)
        var snr = VectorMath.log10(ratio.replacing(with: 1e-6, where: .!(ratio .> 1e-6)))
        snr = snr.clamped(lowerBound: SIMD8(repeating: -0.5), upperBound: SIMD8(repeating: 4))
        let bands = SIMD4<Float>(snr[0], snr[1], snr[2], snr[3])
        return (bands.sum() / 4, bands.max(), snr[4], cleanSum.sum())
    }

    /// Highest peak (local maximum over lags) of the normalised autocorrelation of the above-floor
    /// signal for 70-500 Hz periods, each lag corrected by the window's autocorrelation; clipped to
    /// [0, 1]; and its lag (4 kHz samples). Computed from the amplitude spectrum `√clean` (a
    /// "generalised" autocorrelation, exponent 1 instead of 2: flatter, so a strong low formant or a
    /// low-pass noise does not pass for periodicity), and only at peaks, so that the slow decay of a
    /// low-pass signal's autocorrelation is not taken for a period.
    private func harmonicity() -> (value: Float, lag: Int) {
        let n = Self.transformLength, input = autocorrelationFFT.input
        for k in 0...(n / 2) { input[k] = 0 }
        for k in 0..<Self.usedBins { input[Self.lowBin + k] = amplitude[k] }
        for k in 1..<(n / 2) { input[n - k] = input[k] }
        autocorrelationFFT.execute(binsBelow: Self.maxLag + 2)
        let zero = autocorrelationFFT.real(0)
        guard zero > 0 else { return (0, 0) }
        var best: Float = 0, bestLag = 0
        var previous = autocorrelationFFT.real(Self.minLag - 1), current = autocorrelationFFT.real(Self.minLag)
        for lag in Self.minLag...Self.maxLag {
            let next = autocorrelationFFT.real(lag + 1)
            if current >= previous && current >= next {
                let value = current * windowCorrection[lag]
                if value > best { best = value; bestLag = lag }
            }
            previous = current
            current = next
        }
        return (min(1, best / zero), bestLag)
    }

    /// Share of `clean` within ±4 bins (±62 Hz) of its largest bin and of the largest bin outside that
    /// range (two tones: DTMF, ringback, busy).
    private func tonality(cleanEnergy: Float) -> Float {
        guard cleanEnergy > 0 else { return 0 }
        let c = clean, count = Self.usedBins
        func largest(excluding centre: Int) -> Int {
            var best: Float = -1, index = 0
            for k in 0..<count where abs(k - centre) > 4 && c[k] > best { best = c[k]; index = k }
            return index
        }
        let first = largest(excluding: -100), second = largest(excluding: first)
        var sum: Float = 0
        for k in max(0, first - 4)...min(count - 1, first + 4) { sum += c[k] }
        for k in max(0, second - 4)...min(count - 1, second + 4) where abs(k - first) > 4 { sum += c[k] }
        return min(1, sum / cleanEnergy)
    }

    /// Cosine similarity of the amplitude spectrum `√clean` with that of `steadinessDistance` frames
    /// before (0 when either is empty); stores the current one in the ring.
    private func steadiness(cleanEnergy: Float) -> Float {
        let row = frame % Self.steadinessDistance
        let past = pastAmplitude + row * Self.usedBins
        let previousEnergy = pastEnergy[row]
        var dot = SIMD8<Float>()
        for k in stride(from: 0, to: Self.usedBins, by: 8) { dot += Self.load(amplitude, k) * Self.load(past, k) }
        past.update(from: amplitude, count: Self.usedBins)
        pastEnergy[row] = cleanEnergy
        let norm = (cleanEnergy * previousEnergy).squareRoot()
        return norm > 0 ? min(1, dot.sum() / norm) : 0
    }
}
