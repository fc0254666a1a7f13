import Features
import LinearAlgebra
import Model
import Testing
import TestSupport

/// `pitch_relative`: F0 in semitones re the clip's median voiced F0, so the row carries the contour
/// and not the speaker's register.
@Suite("Pitch relative to the clip's median")
struct RelativePitchTests {
    @Test("pitch_relative is pitch minus its voiced median, 0 when unvoiced", arguments: [false, true])
    func relativePitchIsPitchMinusTheVoicedMedian(levelNormalized: Bool) throws {
        let extractor = try FeatureExtractor(fftPlanning: .estimate)
        let spec = ModelInputSpec(features: [.pitch, .pitchRelative, .voicing], layout: .channelsByTime, windowSeconds: 6,
                                  levelNormalization: levelNormalized ? LevelNormalization() : nil)
        #expect(spec.needsPitch && spec.rowCount(config: extractor.config) == 3)
        let input = InputAssembler.assemble(Signals.speechLike(seconds: 2, pitch: 180), extractor: extractor, spec: spec, normalize: false)
        let frames = input.columns
        let pitch = Array(input.values[0..<frames]), relative = Array(input.values[frames..<(2 * frames)])
        let voiced = (0..<frames).filter { input.values[2 * frames + $0] == 1 && pitch[$0] != 0 }
        #expect(voiced.count > frames / 10, "\(voiced.count) of \(frames) frames voiced")
        let sorted = voiced.map { pitch[$0] }.sorted(), middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        for t in 0..<frames {
            if voiced.contains(t) {
                #expect(abs(relative[t] - (pitch[t] - median)) < 1e-4, "frame \(t)")
            } else {
                #expect(relative[t] == 0, "frame \(t)")
            }
        }
    }
}
