#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The audio feature pipeline for one configuration: built once (filterbanks, DCT matrix, windows,
/// FFT plans and scratch are made in `init`), then called many times by ONE thread (it owns FFTW
/// buffers; give each worker its own extractor).
///
/// Input is mono PCM as `[Float]` at `config.sampleRate`, nominally in [−1, 1]. Every frame-level
/// feature has `config.frameCount(sampleCount:)` = `1 + samples.count / hopLength` frames (librosa's
/// count with `center=True`), frame `t` centred on sample `t · hopLength`. Matrices follow librosa's
/// `[features, frames]` layout.
///
/// The filterbank and DCT products run through `gemm`; set `BLAS.setThreadCount(1)` in services so
/// each call stays on its caller's thread.
public final class FeatureExtractor {
    public let config: FeatureConfig
    /// `[melBandCount, binCount]` mel filters (librosa.filters.mel).
    public let melFilterbank: Matrix
    /// `[chromaBinCount, binCount]` chroma filters (librosa.filters.chroma, tuning fixed).
    public let chromaFilterbank: Matrix
    /// `[mfccCount, melBandCount]` orthonormal DCT-II rows (optionally liftered).
    public let dctMatrix: Matrix

    /// The mel filterbank, and `[melBandCount + chromaBinCount, binCount]` mel rows then chroma rows
    /// (so `analyze` projects the spectrogram through both in one pass), banded (see `BandedProjection`).
    private let melProjection: BandedProjection
    private let melAndChromaProjection: BandedProjection
    private let spectrum: SpectrumAnalyzer
    private let pitchTracker: YINPitchTracker
    private let formantTracker: FormantTracker
    private let analysisFraming: CentredFrames

    /// Sizes of the real FFTs an extractor for `config` runs (the STFT's and YIN's two), for
    /// `refineFFTPlans(sizes:)`; computed without planning anything.
    public static func fftSizes(config: FeatureConfig) -> [Int] {
        let yin = YINPitchTracker.transformLength(config: config)
        return [config.fftLength, yin, yin / 2]
    }

    /// - Parameters:
    ///   - config: the front-end's settings, validated here.
    ///   - fftPlanning: how the STFT's and YIN's FFTs are planned: `.measure` (timed, fastest; the
    ///     server) or `.estimate` (untimed, so every process picks the same algorithms and features are
    ///     bit-identical from run to run; the trainer).
    /// Validates `config` and builds everything reusable.
    public init(config: FeatureConfig = FeatureConfig(), fftPlanning: FFTPlanning = .measure) throws(FeatureConfigError) {
        try config.validate()
        self.config = config
        melFilterbank = MelFilterbank.make(
            sampleRate: config.sampleRate, fftLength: config.fftLength, bandCount: config.melBandCount,
            minFrequency: config.minFrequency, maxFrequency: config.resolvedMaxFrequency,
            scale: config.melScale, normalization: config.melNormalization)
        chromaFilterbank = ChromaFilterbank.make(
            sampleRate: config.sampleRate, fftLength: config.fftLength,
            binsPerOctave: config.chromaBinCount, tuning: config.chromaTuning)
        melProjection = BandedProjection(filters: melFilterbank)
        melAndChromaProjection = BandedProjection(filters: Matrix(
            rows: melFilterbank.rows + chromaFilterbank.rows, columns: melFilterbank.columns,
            values: melFilterbank.values + chromaFilterbank.values))
        dctMatrix = DCTMatrix.make(coefficientCount: config.mfccCount, inputCount: config.melBandCount,
                                   lifter: config.mfccLifter)
        spectrum = SpectrumAnalyzer(fftLength: config.fftLength, windowLength: config.windowLength,
                                    hopLength: config.hopLength, fftPlanning: fftPlanning)
        pitchTracker = YINPitchTracker(config: config, fftPlanning: fftPlanning)
        formantTracker = FormantTracker(config: config)
        analysisFraming = CentredFrames(frameLength: config.analysisFrameLength, hopLength: config.hopLength)
    }

    /// `1 + sampleCount / hopLength`.
    public func frameCount(sampleCount: Int) -> Int { config.frameCount(sampleCount: sampleCount) }

    // MARK: Spectral features

    /// Centred, periodic-Hann-windowed power spectra, `[frames, bins]` (frame-major; see `PowerSpectrogram`).
    public func powerSpectrogram(_ samples: [Float]) -> PowerSpectrogram {
        spectrum.powerSpectrogram(samples)
    }

    /// Mel power spectrogram, `[melBandCount, frames]` (librosa.feature.melspectrogram, power 2).
    public func melSpectrogram(_ samples: [Float]) -> Matrix {
        melSpectrogram(spectrogram: powerSpectrogram(samples))
    }

    public func melSpectrogram(spectrogram: PowerSpectrogram) -> Matrix {
        melProjection.apply(to: spectrogram)
    }

    /// Log-mel spectrogram, `[melBandCount, frames]`, dB: `10·log10(max(logFloor, mel power))`,
    /// no `top_db` clipping (librosa.power_to_db with `ref=1, amin=logFloor, top_db=None`).
    public func logMel(_ samples: [Float]) -> Matrix {
        logMel(spectrogram: powerSpectrogram(samples))
    }

    public func logMel(spectrogram: PowerSpectrogram) -> Matrix {
        decibels(melSpectrogram(spectrogram: spectrogram))
    }

    /// Mel power to dB in place (see `logMel`).
    private func decibels(_ mel: Matrix) -> Matrix {
        var mel = mel
        let floor = config.logFloor
        mel.values.withUnsafeMutableBufferPointer { VectorMath.powerToDecibels($0, floor: floor) }
        return mel
    }

    /// MFCCs, `[mfccCount, frames]`: orthonormal DCT-II of the log-mel bands, one `gemm`
    /// (librosa.feature.mfcc of the un-clipped log-mel).
    public func mfcc(_ samples: [Float]) -> Matrix {
        mfcc(logMel: logMel(samples))
    }

    public func mfcc(logMel: Matrix) -> Matrix {
        precondition(logMel.rows == config.melBandCount, "mfcc: expected \(config.melBandCount) mel bands, got \(logMel.rows)")
        var result = Matrix(rows: config.mfccCount, columns: logMel.columns)
        let (m, n, k) = (config.mfccCount, logMel.columns, config.melBandCount)
        dctMatrix.values.withUnsafeBufferPointer { a in
            logMel.values.withUnsafeBufferPointer { b in
                result.values.withUnsafeMutableBufferPointer { c in
                    gemm(.none, .none, m: m, n: n, k: k, a: a.baseAddress!, lda: k,
                         b: b.baseAddress!, ldb: max(1, n), c: c.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return result
    }

    /// Deltas of any `[features, frames]` matrix (librosa.feature.delta, width `deltaWidth`, interp).
    public func deltas(_ features: Matrix, order: Int = 1) -> Matrix {
        Deltas.compute(features, order: order, width: config.deltaWidth)
    }

    /// Chromagram, `[chromaBinCount, frames]`, each frame scaled to maximum 1
    /// (librosa.feature.chroma_stft with `tuning=chromaTuning`, `norm=inf`, from the power spectrum).
    public func chroma(_ samples: [Float]) -> Matrix {
        chroma(spectrogram: powerSpectrogram(samples))
    }

    public func chroma(spectrogram: PowerSpectrogram) -> Matrix {
        scaledToUnitMaximum(project(spectrogram, through: chromaFilterbank))
    }

    /// Each column of raw chroma divided by its largest absolute value (all-zero columns unchanged).
    private func scaledToUnitMaximum(_ chroma: Matrix) -> Matrix {
        var raw = chroma
        let rows = raw.rows, columns = raw.columns
        raw.values.withUnsafeMutableBufferPointer { values in
            for t in 0..<columns {
                var largest: Float = 0
                for c in 0..<rows { largest = max(largest, abs(values[c * columns + t])) }
                if largest < Float.leastNormalMagnitude { largest = 1 }
                for c in 0..<rows { values[c * columns + t] /= largest }
            }
        }
        return raw
    }

    /// Spectral centroid, flatness and roll-off per frame.
    public func spectralShape(_ samples: [Float]) -> SpectralShape {
        spectralShape(spectrogram: powerSpectrogram(samples))
    }

    public func spectralShape(spectrogram: PowerSpectrogram) -> SpectralShape {
        SpectralShape.compute(from: spectrogram, sampleRate: config.sampleRate, fftLength: config.fftLength,
                              rolloffFraction: config.rolloffFraction)
    }

    // MARK: Time-domain and prosodic features

    /// YIN pitch, aperiodicity and voicing per frame (librosa.yin parity for the frequencies).
    public func pitch(_ samples: [Float]) -> PitchTrack {
        pitchTracker.track(samples)
    }

    /// Frame RMS over `analysisFrameLength` samples (librosa.feature.rms, centred, zero padding).
    public func rms(_ samples: [Float]) -> [Float] {
        FrameEnergy.rms(samples, framing: analysisFraming)
    }

    /// Frame energy, dB: `10·log10(max(logFloor, rms²))`.
    public func energyDecibels(rms: [Float]) -> [Float] {
        FrameEnergy.decibels(rms: rms, floor: config.logFloor)
    }

    /// Zero-crossing rate over `analysisFrameLength` samples (librosa.feature.zero_crossing_rate, centred).
    public func zeroCrossingRate(_ samples: [Float]) -> [Float] {
        ZeroCrossingRate.rate(samples, framing: analysisFraming)
    }

    /// Formants F1…F`formantCount` and their bandwidths per frame (LPC; see `FormantTracker`).
    public func formants(_ samples: [Float]) -> FormantTrack {
        formantTracker.track(samples)
    }

    /// Speech mask per frame from energy and voicing (see `VoiceActivity`).
    public func voiceActivity(_ samples: [Float]) -> [Bool] {
        voiceActivity(energyDecibels: energyDecibels(rms: rms(samples)), pitch: pitch(samples))
    }

    /// The voice-activity loudness threshold of a recording, dB: its noise floor (10th-percentile frame
    /// energy) plus `voiceActivityThresholdDecibels`.
    public func voiceActivityThreshold(energyDecibels: [Float]) -> Double {
        VoiceActivity.threshold(energyDecibels: energyDecibels, aboveFloor: config.voiceActivityThresholdDecibels)
    }

    /// Voice activity of a stretch of frames against a threshold computed elsewhere (e.g. over the whole
    /// recording, while `energyDecibels` and `pitch` cover one window of it).
    public func voiceActivity(energyDecibels: [Float], pitch: PitchTrack, threshold: Double) -> [Bool] {
        VoiceActivity.mask(energyDecibels: energyDecibels, voiced: speechSeeds(pitch), threshold: threshold,
                           hangoverFrames: Int((config.voiceActivityHangoverSeconds * config.frameRate).rounded()))
    }

    /// Frames periodic enough to seed speech (aperiodicity below `voiceActivityAperiodicityThreshold`).
    public func speechSeeds(_ pitch: PitchTrack) -> [Bool] {
        let limit = Float(config.voiceActivityAperiodicityThreshold)
        return pitch.aperiodicity.map { $0 < limit }
    }

    public func voiceActivity(energyDecibels: [Float], pitch: PitchTrack) -> [Bool] {
        VoiceActivity.mask(energyDecibels: energyDecibels, voiced: speechSeeds(pitch),
                           thresholdDecibels: config.voiceActivityThresholdDecibels,
                           hangoverFrames: Int((config.voiceActivityHangoverSeconds * config.frameRate).rounded()))
    }

    /// Syllable nuclei and speech / articulation rate (see `SpeechRate`).
    public func speechRate(_ samples: [Float]) -> SpeechRate {
        let energy = energyDecibels(rms: rms(samples))
        let pitch = pitch(samples)
        return speechRate(energyDecibels: energy, pitch: pitch, speech: voiceActivity(energyDecibels: energy, pitch: pitch),
                          sampleCount: samples.count)
    }

    public func speechRate(energyDecibels: [Float], pitch: PitchTrack, speech: [Bool], sampleCount: Int) -> SpeechRate {
        SpeechRate.estimate(energyDecibels: energyDecibels, voiced: pitch.voiced, speech: speech,
                            sampleCount: sampleCount, config: config)
    }

    /// Utterance statistics of each row (see `Functionals`), `[features.rows, 8]`.
    public func functionals(_ features: Matrix, mask: [Bool]? = nil) -> Matrix {
        Functionals.compute(features, framesPerSecond: config.frameRate, mask: mask)
    }

    // MARK: Everything at once

    /// Every feature of one clip, sharing the STFT among mel, MFCC, chroma and spectral shape.
    /// Formants (the most expensive feature) only when `includeFormants`.
    public func analyze(_ samples: [Float], includeFormants: Bool = true) -> FeatureSet {
        let spectrogram = powerSpectrogram(samples)
        let (melPower, rawChroma) = melAndChroma(spectrogram)
        let logMel = decibels(melPower)
        let mfcc = mfcc(logMel: logMel)
        let rms = rms(samples)
        let energy = energyDecibels(rms: rms)
        let pitch = pitch(samples)
        let speech = voiceActivity(energyDecibels: energy, pitch: pitch)
        return FeatureSet(
            frameTimes: config.frameTimes(frameCount: spectrogram.frameCount),
            logMel: logMel, mfcc: mfcc,
            mfccDelta: deltas(mfcc, order: 1), mfccDeltaDelta: deltas(mfcc, order: 2),
            chroma: scaledToUnitMaximum(rawChroma), spectralShape: spectralShape(spectrogram: spectrogram),
            pitch: pitch, rms: rms, energyDecibels: energy, zeroCrossingRate: zeroCrossingRate(samples),
            formants: includeFormants ? formants(samples) : nil,
            voiceActivity: speech,
            speechRate: speechRate(energyDecibels: energy, pitch: pitch, speech: speech, sampleCount: samples.count))
    }

    /// Mel power `[melBandCount, frames]` and unscaled chroma `[chromaBinCount, frames]` from one banded projection
    /// through the stacked filterbanks, split without copying the mel rows.
    private func melAndChroma(_ spectrogram: PowerSpectrogram) -> (mel: Matrix, chroma: Matrix) {
        var both = melAndChromaProjection.apply(to: spectrogram)
        let frames = both.columns, melRows = melFilterbank.rows, chromaRows = chromaFilterbank.rows
        let chroma = Matrix(rows: chromaRows, columns: frames, values: Array(both.values[(melRows * frames)...]))
        both.values.removeLast(chromaRows * frames)
        return (Matrix(rows: melRows, columns: frames, values: both.values), chroma)
    }

    /// `filters [bands, bins] · spectraᵀ` → `[bands, frames]`, one gemm.
    private func project(_ spectrogram: PowerSpectrogram, through filters: Matrix) -> Matrix {
        precondition(spectrogram.binCount == filters.columns, "spectrogram has \(spectrogram.binCount) bins, filters expect \(filters.columns)")
        let (m, n, k) = (filters.rows, spectrogram.frameCount, filters.columns)
        // gemm with beta = 0 writes every element of C: no zero fill first.
        return Matrix(rows: m, columns: n) { c in
            filters.values.withUnsafeBufferPointer { a in
                spectrogram.frames.values.withUnsafeBufferPointer { b in
                    gemm(.none, .transposed, m: m, n: n, k: k, a: a.baseAddress!, lda: k,
                         b: b.baseAddress!, ldb: k, c: c.baseAddress!, ldc: max(1, n))
                }
            }
        }
    }
}
