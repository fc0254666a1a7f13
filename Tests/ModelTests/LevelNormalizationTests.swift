import Features
import Foundation
import LinearAlgebra
import Model
import Testing
import TestSupport

/// `ModelInputSpec.levelNormalization`: the level-dependent input rows are relative to the clip, so a
/// gain or digital-silence padding leaves the input unchanged, and the option off is the old input.
@Suite("Level normalisation of the model input")
struct LevelNormalizationTests {
    /// Every block that a level could touch, plus pitch and voicing (zeroed on inactive frames).
    static let features: [ModelInputSpec.Feature] = [.logMel, .logMelDelta, .mfcc, .mfccDelta, .pitch, .voicing, .energy]

    static func spec(_ level: LevelNormalization?) -> ModelInputSpec {
        ModelInputSpec(features: features, layout: .channelsByTime, windowSeconds: 6, levelNormalization: level)
    }

    /// 1.5 s of a voiced, syllable-modulated tone plus white noise 50 dB below its peak (so every mel
    /// band has energy), with `padding` samples of exact zeros on each side.
    static func clip(padding: Int = 0) -> [Float] {
        var random = SeededRandom(seed: 15)
        let speech = Signals.speechLike(seconds: 1.5, amplitude: 0.3).map { $0 + 0.001 * random.gaussian() }
        let zeros = [Float](repeating: 0, count: padding)
        return zeros + speech + zeros
    }

    static func scaled(_ samples: [Float], decibels: Float) -> [Float] {
        let factor = Float(pow(10, Double(decibels) / 20))
        return samples.map { $0 * factor }
    }

    static func maximumDifference(_ a: Matrix, _ b: Matrix) -> Float {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return zip(a.values, b.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test("-30 and +6 dB give the same input rows", arguments: [0, 8000])
    func gainDoesNotChangeTheInput(padding: Int) throws {
        let extractor = try FeatureExtractor(fftPlanning: .estimate)
        let spec = Self.spec(LevelNormalization())
        let samples = Self.clip(padding: padding)
        let reference = InputAssembler.assemble(samples, extractor: extractor, spec: spec, normalize: false)
        for gain: Float in [-30, -12, 6] {
            let input = InputAssembler.assemble(Self.scaled(samples, decibels: gain), extractor: extractor, spec: spec, normalize: false)
            // dB rows agree to float rounding; pitch and voicing exactly or within rounding too.
            #expect(Self.maximumDifference(input, reference) < 2e-3, "gain \(gain) dB, padding \(padding)")
        }
        // Without the option the same gain moves the log-mel rows by the gain.
        let off = Self.spec(nil)
        let quiet = InputAssembler.assemble(Self.scaled(samples, decibels: -30), extractor: extractor, spec: off, normalize: false)
        let loud = InputAssembler.assemble(samples, extractor: extractor, spec: off, normalize: false)
        #expect(Self.maximumDifference(quiet, loud) > 20)
    }

    /// Padding the clip with more or less digital silence changes nothing on the speech frames (the
    /// active-frame statistics do not see silence) and the silence frames read the same floor.
    @Test func digitalSilencePaddingChangesNothing() throws {
        let extractor = try FeatureExtractor(fftPlanning: .estimate)
        let spec = Self.spec(LevelNormalization())
        let hop = extractor.config.hopLength
        let short = InputAssembler.assemble(Self.clip(padding: 20 * hop), extractor: extractor, spec: spec, normalize: false)
        let long = InputAssembler.assemble(Self.clip(padding: 100 * hop), extractor: extractor, spec: spec, normalize: false)
        #expect(long.columns == short.columns + 160)
        var largest: Float = 0
        for r in 0..<short.rows {
            for t in 0..<short.columns {
                largest = max(largest, abs(short[r, t] - long[r, t + 80]))
            }
            // Extra silence frames equal the first (silent) frame of the short clip.
            for t in 0..<80 { largest = max(largest, abs(long[r, t] - short[r, 0])) }
        }
        #expect(largest < 1e-4)
        // The padding is silence to the rule: its frames are inactive.
        let active = LevelNormalization().activeFrames(energyDecibels: extractor.energyDecibels(rms: extractor.rms(Self.clip(padding: 100 * hop))))
        #expect(!active[0] && !active[active.count - 1])
    }

    /// The option off is the old input, bit for bit: the blocks straight from the extractor.
    @Test func offIsTheOldInputExactly() throws {
        let extractor = try FeatureExtractor(fftPlanning: .estimate)
        let samples = Self.clip(padding: 1000)
        let spec = ModelInputSpec(features: [.logMel, .energy], layout: .channelsByTime, windowSeconds: 6)
        #expect(spec.levelNormalization == nil)
        let input = InputAssembler.assemble(samples, extractor: extractor, spec: spec, normalize: false)
        let mel = extractor.logMel(samples)
        let energy = extractor.energyDecibels(rms: extractor.rms(samples))
        #expect(Array(input.values[0..<(mel.rows * mel.columns)]) == mel.values)
        #expect(Array(input.values[(mel.rows * mel.columns)...]) == energy)
    }

    /// Level rows are relative: each log-mel band and the energy row average 0 over the active frames;
    /// inactive frames sit at the floor and are unvoiced.
    @Test func activeMeansAreZeroAndSilenceIsFloored() throws {
        let extractor = try FeatureExtractor(fftPlanning: .estimate)
        let level = LevelNormalization()
        let samples = Self.clip(padding: 8000)
        let input = InputAssembler.assemble(samples, extractor: extractor,
                                            spec: ModelInputSpec(features: [.logMel, .voicing, .energy], layout: .channelsByTime,
                                                                 windowSeconds: 6, levelNormalization: level),
                                            normalize: false)
        let active = level.activeFrames(energyDecibels: extractor.energyDecibels(rms: extractor.rms(samples)))
        let bands = extractor.config.melBandCount
        for r in [0, bands / 2, bands - 1, bands + 1] {
            let values = (0..<input.columns).filter { active[$0] }.map { Double(input[r, $0]) }
            #expect(abs(values.reduce(0, +) / Double(values.count)) < 1e-3, "row \(r)")
        }
        let silent = (0..<input.columns).filter { !active[$0] }
        #expect(!silent.isEmpty)
        for t in silent {
            #expect(input[bands, t] == 0)  // voicing
            #expect(input[0, t] == input[0, silent[0]])
        }
        // The energy floor is the active threshold: 40 dB below the loudest frame.
        let energyRow = (0..<input.columns).map { input[bands + 1, $0] }
        #expect(abs(energyRow.max()! - energyRow.min()! - level.activeRangeDecibels) < 1e-3)
    }

    /// The manifest key: absent decodes as off and is not written back; present round-trips.
    @Test func manifestKeyIsOptional() throws {
        let old = #"{"features": ["log_mel"], "layout": "channels_by_time", "window_seconds": 6, "mean": [], "standard_deviation": []}"#
        let decoded = try JSONDecoder().decode(ModelInputSpec.self, from: Data(old.utf8))
        #expect(decoded.levelNormalization == nil)
        let reencoded = String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self)
        #expect(!reencoded.contains("level_normalization"))

        var spec = decoded
        spec.levelNormalization = LevelNormalization(activeRangeDecibels: 35, floorDecibels: 60)
        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(json.contains(#""level_normalization":{"#) && json.contains(#""active_range_db":35"#))
        #expect(try JSONDecoder().decode(ModelInputSpec.self, from: Data(json.utf8)) == spec)
        let partial = #"{"features": ["log_mel"], "layout": "channels_by_time", "window_seconds": 6, "mean": [], "standard_deviation": [], "level_normalization": {}}"#
        #expect(try JSONDecoder().decode(ModelInputSpec.self, from: Data(partial.utf8)).levelNormalization == LevelNormalization())
    }
}
