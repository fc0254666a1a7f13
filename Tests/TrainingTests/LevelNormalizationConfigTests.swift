import Foundation
import LinearAlgebra
import Model
import NeuralNet
import Testing
@testable import Training

/// The `level_normalization` training key: parsed, carried into the model's input spec (so the
/// exported manifest and the server use it), and no gain augmentation on rows it made relative.
@Suite struct LevelNormalizationConfigTests {
    @Test func keyIsParsedAndReachesTheInputSpec() throws {
        #expect(TrainingConfig().levelNormalization == nil && TrainingConfig().inputSpec.levelNormalization == nil)
        let json = #"{"level_normalization": {"active_range_db": 35}}"#
        let config = try TrainingConfig.decode(Data(json.utf8), yaml: false)
        #expect(config.levelNormalization == LevelNormalization(activeRangeDecibels: 35, floorDecibels: 70))
        #expect(config.inputSpec.levelNormalization == config.levelNormalization)
        #expect(try TrainingConfig.decode(JSONEncoder().encode(config), yaml: false) == config)
        let yaml = "level_normalization:\n  active_range_db: 30\n  floor_db: 60\n"
        #expect(try TrainingConfig.decode(Data(yaml.utf8), yaml: true).levelNormalization == LevelNormalization(activeRangeDecibels: 30, floorDecibels: 60))
    }

    /// Under level normalisation `gain_db` shifts nothing: the batch equals the one without gain.
    @Test func gainAugmentationIsANoOpOnRelativeRows() {
        var config = SyntheticTask.config()
        config.timeMasks = 0
        config.frequencyMasks = 0
        config.features = [.logMel, .pitch]
        let rows = 9
        let clip = Matrix(rows: rows, columns: 400, values: (0..<(rows * 400)).map { Float($0 % 37) })
        let utterances = (0..<8).map { _ in
            Utterance(path: "x.wav", corpus: "synthetic", originalLabel: "low", mappedLabel: "low", speaker: "s", gender: nil, durationSeconds: nil)
        }
        let store = FeatureStore(utterances: utterances, clean: Array(repeating: clip, count: 8), telephone: [])
        let mean = [Float](repeating: 0, count: rows), std = [Float](repeating: 1, count: rows)
        func batch(gain: Float, level: LevelNormalization?) -> BatchTensor {
            var c = config
            c.gainDecibels = gain
            c.levelNormalization = level
            return BatchAssembler(store: store, config: c, mean: mean, standardDeviation: std).batch(indices: Array(0..<8), positions: Array(0..<8), epoch: 1).input
        }
        #expect(batch(gain: 20, level: LevelNormalization()) == batch(gain: 0, level: LevelNormalization()))
        #expect(batch(gain: 20, level: nil) != batch(gain: 0, level: nil))
    }
}
