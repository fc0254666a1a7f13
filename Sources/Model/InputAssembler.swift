import Features
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Builds a model's input matrix `[rows, frames]` from mono samples at the model's sample rate: the
/// feature blocks of `ModelInputSpec.features` stacked in order, then normalised per row.
///
/// With `spec.levelNormalization` the level-dependent blocks are first made relative to the clip
/// itself (`LevelNormalization`: per-row mean over the active frames subtracted, silence floored), so
/// a gain of the audio leaves the input unchanged; without it the blocks are exactly as before.
///
/// The one code path from audio to network input: the server runs it per window, the trainer per
/// training clip, so training and serving cannot drift. The STFT is computed once and shared by the
/// spectral blocks; pitch only when a block needs it.
public enum InputAssembler {
    /// - Parameters:
    ///   - samples: mono PCM at `extractor.config.sampleRate`.
    ///   - normalize: apply `spec.mean` / `spec.standardDeviation` (false when computing those statistics).
    /// - Returns: `[spec.rowCount(config:), frames]`, frames = `1 + samples.count / hopLength`.
    public static func assemble(_ samples: [Float], extractor: FeatureExtractor, spec: ModelInputSpec, normalize: Bool = true) -> Matrix {
        assembleWithPitch(samples, extractor: extractor, spec: spec, normalize: normalize).input
    }

    /// `assemble`, also returning the pitch track when a block needed one (nil otherwise), so callers that
    /// want F0 statistics do not track pitch twice.
    public static func assembleWithPitch(_ samples: [Float], extractor: FeatureExtractor, spec: ModelInputSpec,
                                         normalize: Bool = true) -> (input: Matrix, pitch: PitchTrack?) {
        let config = extractor.config
        let frames = extractor.frameCount(sampleCount: samples.count)
        var input = Matrix(rows: spec.rowCount(config: config), columns: frames)
        var blocks = FeatureBlocks(samples: samples, extractor: extractor, level: spec.levelNormalization)
        var row = 0
        for feature in spec.features {
            for block in blocks.rows(of: feature) {
                precondition(block.columns == frames, "feature block has \(block.columns) frames, expected \(frames)")
                input.values.withUnsafeMutableBufferPointer { target in
                    block.values.withUnsafeBufferPointer { source in
                        (target.baseAddress! + row * frames).update(from: source.baseAddress!, count: block.rows * frames)
                    }
                }
                row += block.rows
            }
        }
        precondition(row == input.rows, "assembled \(row) rows, spec says \(input.rows)")
        if normalize, !spec.mean.isEmpty { standardize(&input, mean: spec.mean, standardDeviation: spec.standardDeviation) }
        return (input, blocks.computedPitch)
    }

    /// `1 / max(std, 1e-5)`: the scale of a row in `standardize` (a constant row is not blown up).
    @inline(__always)
    public static func inverseDeviation(_ standardDeviation: Float) -> Float { 1 / max(standardDeviation, 1e-5) }

    /// `(x − mean) · inverseDeviation(std)` per row: the one input normalisation, used by the server on
    /// every window and by the trainer on every batch.
    public static func standardize(_ input: inout Matrix, mean: [Float], standardDeviation: [Float]) {
        precondition(mean.count == input.rows && standardDeviation.count == input.rows,
                     "normalisation statistics have \(mean.count) rows, input has \(input.rows)")
        let (rows, frames) = (input.rows, input.columns)
        input.values.withUnsafeMutableBufferPointer { values in
            for r in 0..<rows {
                let m = mean[r], scale = inverseDeviation(standardDeviation[r])
                let base = r * frames
                for t in 0..<frames { values[base + t] = (values[base + t] - m) * scale }
            }
        }
    }
}

/// The feature blocks of one clip, with the intermediate results several blocks share (the STFT,
/// log-mel, MFCC, pitch track, frame energy) computed on first use. With `level`, log-mel (and so
/// everything derived from it) and energy are relative to the clip, pitch and voicing 0 on inactive
/// frames (`LevelNormalization`).
private struct FeatureBlocks {
    let samples: [Float]
    let extractor: FeatureExtractor
    let level: LevelNormalization?
    private var spectrogram: PowerSpectrogram?
    private var logMel: Matrix?
    private var mfcc: Matrix?
    private var pitch: PitchTrack?
    private var energy: [Float]?
    private var active: [Bool]?

    init(samples: [Float], extractor: FeatureExtractor, level: LevelNormalization?) {
        self.samples = samples
        self.extractor = extractor
        self.level = level
    }

    /// The rows `feature` contributes, `[rows, frames]` each, in order.
    mutating func rows(of feature: ModelInputSpec.Feature) -> [Matrix] {
        switch feature {
        case .logMel: return [mel()]
        case .logMelDelta: return [extractor.deltas(mel(), order: 1)]
        case .mfcc: return [cepstrum()]
        case .mfccDelta: return [extractor.deltas(cepstrum(), order: 1)]
        case .mfccDeltaDelta: return [extractor.deltas(cepstrum(), order: 2)]
        case .pitch:
            let track = yin()
            return [row(silenced(zip(track.frequencies, track.voiced).map { f, voiced in voiced && f > 0 ? 12 * Float.log2(f / 55) : 0 }))]
        case .pitchRelative:
            let track = yin()
            let voiced = silenced(zip(track.frequencies, track.voiced).map { f, voiced in voiced && f > 0 ? 1 : 0 })
            let semitones = track.frequencies.map { $0 > 0 ? 12 * Float.log2($0 / 55) : 0 }
            let reference = Self.median(zip(semitones, voiced).compactMap { value, isVoiced in isVoiced > 0 ? value : nil })
            return [row(zip(semitones, voiced).map { value, isVoiced in isVoiced > 0 ? value - reference : 0 })]
        case .voicing: return [row(silenced(yin().voiced.map { $0 ? 1 : 0 }))]
        case .energy:
            guard let level else { return [row(decibels())] }
            return [row(level.relativeEnergy(decibels(), active: activity()))]
        case .zeroCrossingRate: return [row(extractor.zeroCrossingRate(samples))]
        case .spectralShape:
            let shape = extractor.spectralShape(spectrogram: spectrum())
            return [row(shape.centroid.map { $0 / 1000 }), row(shape.rolloff.map { $0 / 1000 }), row(shape.flatness)]
        case .chroma: return [extractor.chroma(spectrogram: spectrum())]
        }
    }

    private func row(_ values: [Float]) -> Matrix { Matrix(rows: 1, columns: values.count, values: values) }

    /// The median of `values` (mean of the middle two for an even count; 0 when empty).
    static func median(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private mutating func spectrum() -> PowerSpectrogram {
        if let spectrogram { return spectrogram }
        let value = extractor.powerSpectrogram(samples)
        spectrogram = value
        return value
    }

    /// Log-mel, dB re full scale; relative to the clip with `level`.
    private mutating func mel() -> Matrix {
        if let logMel { return logMel }
        var value = extractor.logMel(spectrogram: spectrum())
        if let level { value = level.relativeLogMel(value, active: activity()) }
        logMel = value
        return value
    }

    /// Frame energy, dB re full scale.
    private mutating func decibels() -> [Float] {
        if let energy { return energy }
        let value = extractor.energyDecibels(rms: extractor.rms(samples))
        energy = value
        return value
    }

    /// `LevelNormalization`'s active frames (empty without `level`, never asked for then).
    private mutating func activity() -> [Bool] {
        if let active { return active }
        let value = level?.activeFrames(energyDecibels: decibels()) ?? []
        active = value
        return value
    }

    /// `values` with inactive frames set to 0 under `level`; unchanged without it.
    private mutating func silenced(_ values: [Float]) -> [Float] {
        guard level != nil else { return values }
        return zip(values, activity()).map { value, isActive in isActive ? value : 0 }
    }

    private mutating func cepstrum() -> Matrix {
        if let mfcc { return mfcc }
        let value = extractor.mfcc(logMel: mel())
        mfcc = value
        return value
    }

    /// The pitch track if a block asked for it.
    var computedPitch: PitchTrack? { pitch }

    private mutating func yin() -> PitchTrack {
        if let pitch { return pitch }
        let value = extractor.pitch(samples)
        pitch = value
        return value
    }
}

extension Float {
    /// log2 in Double (the C library's), rounded to Float: the same value training computed.
    fileprivate static func log2(_ x: Float) -> Float { Float(doubleLog2(Double(x))) }
}

/// The C library's `log2(Double)`, named apart from `Float.log2` above.
private func doubleLog2(_ x: Double) -> Double { log2(x) }
